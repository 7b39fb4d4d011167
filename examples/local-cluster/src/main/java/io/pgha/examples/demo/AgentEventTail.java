package io.pgha.examples.demo;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints the agents' events (leadership acquired, promoted, demoted, following a leader) as they
 * happen: the agents run in JVMs of their own, so their log is not this terminal's.
 */
final class AgentEventTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentEventTail.class);

  private final LocalPghaCluster cluster;
  private final Map<String, Integer> seen = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  private AgentEventTail(LocalPghaCluster cluster) {
    this.cluster = cluster;
    this.thread = new Thread(this::run, "demo-agent-events");
    this.thread.setDaemon(true);
  }

  static AgentEventTail start(LocalPghaCluster cluster) {
    AgentEventTail tail = new AgentEventTail(cluster);
    tail.thread.start();
    return tail;
  }

  private void run() {
    while (running) {
      for (Node n : cluster.nodes()) {
        List<LocalPghaCluster.TimedEvent> events = n.events();
        int from = seen.getOrDefault(n.name, 0);
        for (int i = from; i < events.size(); i++) {
          LOG.info("[{}] {}", n.name, events.get(i).event());
        }
        seen.put(n.name, events.size());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
