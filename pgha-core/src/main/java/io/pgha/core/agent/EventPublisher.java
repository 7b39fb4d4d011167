package io.pgha.core.agent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners on a thread of its own, so that a slow or failing listener never
 * delays the HA loop or the fencing of a primary.
 */
final class EventPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

  private final String member;
  private final List<AgentListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService thread;

  EventPublisher(String member) {
    this.member = member;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-events-" + member);
              t.setDaemon(true);
              return t;
            });
  }

  void add(AgentListener listener) {
    listeners.add(listener);
  }

  void publish(AgentEvent event) {
    LOG.info("[{}] event: {}", member, event);
    try {
      thread.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      LOG.debug("[{}] event {} not delivered: the agent is stopping", member, event);
    }
  }

  private void deliver(AgentEvent event) {
    for (AgentListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("[{}] listener {} failed on {}: {}", member, listener, event, e.toString(), e);
      }
    }
  }

  @Override
  public void close() {
    thread.shutdown();
  }
}
