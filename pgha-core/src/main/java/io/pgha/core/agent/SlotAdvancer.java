package io.pgha.core.agent;

import io.pgha.core.ha.SlotPlan.LogicalAdvance;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a replica's copies of the permanent logical slots forward ({@code
 * pg_replication_slot_advance}) on a thread of its own, as Patroni's slot advance thread does:
 * PostgreSQL decodes the WAL in between, which can take a while after a long pause, and the HA loop
 * (a failover among them) waits for none of it. It keeps the latest target of each slot; a failed
 * move is logged and planned again by the next cycle.
 */
final class SlotAdvancer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlotAdvancer.class);
  // Bounds one move (decoding on the local server) so that a hung server does not hold the thread.
  private static final int ADVANCE_TIMEOUT_SECONDS = 60;

  private final String name;
  private final PostgresController postgres;
  private final TreeMap<String, LogicalAdvance> scheduled = new TreeMap<>();
  private Thread thread;
  private boolean closed;

  SlotAdvancer(String name, PostgresController postgres) {
    this.name = name;
    this.postgres = postgres;
  }

  /** Moves these slots forward (replacing targets not reached yet); returns at once. */
  synchronized void schedule(Map<String, LogicalAdvance> targets) {
    if (closed || targets.isEmpty()) {
      return;
    }
    scheduled.putAll(targets);
    if (thread == null) {
      thread = new Thread(this::run, "pgha-slot-advance-" + name);
      thread.setDaemon(true);
      thread.start();
    }
    notifyAll();
  }

  /** Forgets the targets not reached yet (this server is no replica any more). */
  synchronized void clear() {
    scheduled.clear();
  }

  @Override
  public synchronized void close() {
    closed = true;
    scheduled.clear();
    notifyAll();
  }

  private void run() {
    while (true) {
      Map.Entry<String, LogicalAdvance> next;
      synchronized (this) {
        while (!closed && scheduled.isEmpty()) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (closed) {
          return;
        }
        next = scheduled.firstEntry();
      }
      advance(next.getKey(), next.getValue());
      synchronized (this) {
        // Taken off only if no newer target came meanwhile.
        scheduled.remove(next.getKey(), next.getValue());
      }
    }
  }

  private void advance(String slot, LogicalAdvance target) {
    Lsn to = new Lsn(target.position());
    try {
      Lsn now =
          postgres.replication().advanceSlot(slot, target.database(), to, ADVANCE_TIMEOUT_SECONDS);
      LOG.debug("[{}] moved logical slot {} forward to {} (asked {})", name, slot, now, to);
    } catch (PostgresControlException | IllegalArgumentException e) {
      LOG.warn(
          "[{}] could not move logical slot {} forward to {}: {}", name, slot, to, e.getMessage());
    }
  }
}
