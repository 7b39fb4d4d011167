package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Topology;
import java.util.List;

/**
 * Hooks for metrics, set with {@code PghaDataSourceConfig.Builder#metrics}. Every method has a
 * no-op default, so an implementation overrides only what it records. Calls come from the caller's
 * thread on the connection path and from the topology thread for topology changes: implementations
 * must be fast, thread-safe and must not throw.
 */
public interface PghaMetrics {

  /** Records nothing. */
  PghaMetrics NOOP = new PghaMetrics() {};

  /**
   * Passes every hook to each of {@code listeners} in order; one that throws is logged and never
   * breaks routing or the listeners after it.
   */
  static PghaMetrics composite(List<PghaMetrics> listeners) {
    List<PghaMetrics> real = listeners.stream().filter(m -> m != NOOP).toList();
    return real.isEmpty() ? NOOP : real.size() == 1 ? real.get(0) : new CompositePghaMetrics(real);
  }

  /** A new topology snapshot was installed. */
  default void topologyChanged(Topology topology) {}

  /**
   * The writable leader changed.
   *
   * @param previous the previous leader's name, or null
   * @param current the new leader's name, or null while there is none
   */
  default void leaderChanged(String previous, String current) {}

  /**
   * A connection was routed.
   *
   * @param member the member the physical connection comes from
   * @param readOnly whether the work was read-only
   * @param fallbackToLeader true when read-only work went to the leader because no replica
   *     qualified
   */
  default void routed(String member, boolean readOnly, boolean fallbackToLeader) {}

  /**
   * A write had to wait for a leader.
   *
   * @param waitedNanos how long it waited
   * @param gotLeader false when the wait timed out
   */
  default void leaderWait(long waitedNanos, boolean gotLeader) {}

  /**
   * A statement or connection failed because its server went away or stopped being primary.
   *
   * @param member the member the connection was on
   * @param sqlState the SQLState raised to the caller (08S02, 08007 or 08001)
   */
  default void failover(String member, String sqlState) {}
}
