package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current {@link RoutingTable}, and the bounded wait of writes for a (new) leader: woken when a
 * table is installed, a failing leader retried at a short interval, at most {@code
 * leaderWaitTimeout} in all.
 */
final class LeaderWait {

  private static final long RETRY_SAME_LEADER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Duration timeout;
  private final PghaMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition tableChanged = lock.newCondition();
  private volatile RoutingTable table = RoutingTable.EMPTY;
  private volatile boolean closed;

  LeaderWait(Duration timeout, PghaMetrics metrics) {
    this.timeout = timeout;
    this.metrics = metrics;
  }

  /** The table routing uses now. */
  RoutingTable table() {
    return table;
  }

  /** Installs {@code next} and wakes the writes that wait. */
  void install(RoutingTable next) {
    lock.lock();
    try {
      table = next;
      tableChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait: they fail at once. */
  void close() {
    lock.lock();
    try {
      closed = true;
      tableChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Slow path of a write: no leader, or the pool of the leader of {@code failedOn} failed ({@code
   * firstFailure}). Waits for a (new) leader within the bound and borrows from its pool.
   */
  Router.Borrowed borrowLeader(long start, SQLException firstFailure, RoutingTable failedOn)
      throws SQLException {
    long deadline = start + timeout.toNanos();
    SQLException last = firstFailure;
    // The table the failure happened on: one installed during that borrow is tried at once.
    RoutingTable seen = last == null ? null : failedOn;
    while (true) {
      RoutingTable current = table;
      if (current.leader() != null && current != seen) {
        try {
          Connection c = current.leader().pool().borrow();
          metrics.leaderWait(System.nanoTime() - start, true);
          return new Router.Borrowed(c, current.leader().pool(), true);
        } catch (SQLException e) {
          last = e;
          seen = current;
        }
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || closed) {
        metrics.leaderWait(System.nanoTime() - start, false);
        throw Failures.noTarget(
            "no writable leader within " + timeout.toMillis() + "ms (" + describe(current) + ")",
            last);
      }
      // Same table: a failing leader is retried at a short interval; otherwise wake on change.
      boolean retrySameLeader = current.leader() != null;
      awaitChange(
          current, retrySameLeader ? Math.min(remaining, RETRY_SAME_LEADER_NANOS) : remaining);
      if (retrySameLeader) {
        seen = null;
      }
    }
  }

  /** Waits until a table other than {@code current} is installed, at most {@code nanos}. */
  void awaitChange(RoutingTable current, long nanos) throws SQLException {
    lock.lock();
    try {
      long left = nanos;
      while (table == current && left > 0 && !closed) {
        left = tableChanged.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.noTarget("interrupted while waiting for a leader", null);
    } finally {
      lock.unlock();
    }
  }

  /** The leader key and every member's role, state and lag, for error messages. */
  static String describe(RoutingTable t) {
    StringBuilder sb = new StringBuilder("leader key: ");
    sb.append(t.topology().leaderName() == null ? "none" : t.topology().leaderName());
    sb.append(", members:");
    for (Member m : t.topology().members()) {
      sb.append(' ')
          .append(m.name())
          .append('=')
          .append(m.role().name().toLowerCase(Locale.ROOT))
          .append('/')
          .append(m.state());
      if (m.role() == MemberRole.REPLICA) {
        sb.append("/lag ").append(m.lagBytes());
      }
    }
    return sb.toString();
  }
}
