package io.pgha.jdbc.topology;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that asks for the whole topology at a fixed interval. A failed or malformed poll is
 * logged once per outage and the last good topology stays in force.
 */
abstract class PollingTopologySource implements TopologySource {

  private static final Logger LOG = LoggerFactory.getLogger(PollingTopologySource.class);

  private final Duration interval;
  private final ScheduledExecutorService thread;
  private Consumer<Topology> listener;
  private Topology lastPublished;
  private boolean failing;

  PollingTopologySource(Duration interval, String threadName) {
    this.interval = interval;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reads the whole topology once.
   *
   * @throws Exception when no answer could be had; the message says from where and why
   */
  abstract Topology poll() throws Exception;

  @Override
  public final void start(Consumer<Topology> topologyListener, Duration timeout) {
    this.listener = topologyListener;
    try {
      thread.submit(this::firstPoll).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException(
          describe() + ": no answer within " + timeout.toMillis() + "ms", e);
    } catch (ExecutionException e) {
      close();
      Throwable cause = e.getCause();
      throw new IllegalStateException(describe() + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(describe() + ": interrupted at start", e);
    }
    thread.scheduleWithFixedDelay(
        this::pollAndPublish, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Void firstPoll() throws Exception {
    Topology first = poll();
    checkFirst(first);
    publish(first);
    return null;
  }

  /**
   * Rejects a first topology that cannot be right, so that a bad configuration fails at start.
   *
   * @throws Exception saying what is wrong
   */
  void checkFirst(Topology first) throws Exception {}

  private void pollAndPublish() {
    try {
      Topology topology = poll();
      if (failing) {
        LOG.info("{}: answering again", describe());
        failing = false;
      }
      publish(topology);
    } catch (Exception e) {
      if (!failing) {
        LOG.warn(
            "{}: poll failed ({}); keeping the last good topology", describe(), e.getMessage());
        failing = true;
      }
    }
  }

  private void publish(Topology topology) {
    if (!topology.equals(lastPublished)) {
      lastPublished = topology;
      try {
        listener.accept(topology);
      } catch (RuntimeException e) {
        LOG.error("{}: topology listener failed", describe(), e);
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
