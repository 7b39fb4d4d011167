package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Member;

/**
 * The state of one member's connection pool, for health checks and management endpoints, as {@code
 * TopologyAwareDataSource.poolStates()} reports it.
 *
 * @param member the member's name
 * @param address the PostgreSQL server's {@code host:port}
 * @param active connections borrowed now
 * @param idle connections idle in the pool
 * @param circuit the read circuit breaker's state ({@code CLOSED}, {@code OPEN}, {@code
 *     HALF_OPEN}); an open circuit keeps reads away from this member
 * @param lagBytes the lag routing uses for this member (the larger of the source's figure and the
 *     probed replay backlog), {@link Member#UNKNOWN_LAG} if unknown or for the leader
 * @param readable whether the member takes reads now
 * @param leader whether the member takes writes now
 */
public record PoolState(
    String member,
    String address,
    int active,
    int idle,
    String circuit,
    long lagBytes,
    boolean readable,
    boolean leader) {

  /** True unless the read circuit is open (the member kept failing connection attempts). */
  public boolean isHealthy() {
    return !"OPEN".equals(circuit) && !"FORCED_OPEN".equals(circuit);
  }
}
