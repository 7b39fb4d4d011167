package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.Topology;
import java.util.List;

/**
 * What {@code getConnection()} looks up: the leader's pool and the replicas that may take reads,
 * derived from one topology snapshot. Immutable; replaced as a whole.
 *
 * @param topology the snapshot this table was built from
 * @param leader the writable leader's pool, or null while there is none
 * @param readable replicas that qualify for reads (running, streaming — or all not streaming, as
 *     when the primary died —, not {@code noloadbalance}, within the lag bound), with the lag used
 *     for the decision
 */
record RoutingTable(Topology topology, Target leader, List<Target> readable) {

  static final RoutingTable EMPTY = new RoutingTable(Topology.EMPTY, null, List.of());

  /**
   * A member and its pool.
   *
   * @param member the member as the topology describes it
   * @param pool its pool
   * @param lagBytes the lag routing uses: the larger of the source's and the probed replay backlog
   */
  record Target(Member member, MemberPool pool, long lagBytes) {}

  String leaderName() {
    return leader == null ? null : leader.member().name();
  }

  /**
   * Whether a connection lent from {@code pool} may go on serving by this table: lent as the
   * leader's, while its member holds the leader key (a drain keeps the key: transactions finish),
   * is in the topology at the same address and is not marked failed; lent for reads, while its
   * member takes reads.
   */
  boolean qualifies(MemberPool pool, boolean asLeader) {
    if (!asLeader) {
      for (Target t : readable) {
        if (t.pool() == pool) {
          return true;
        }
      }
      return false;
    }
    return pool.name().equals(topology.leaderName())
        && topology
            .member(pool.name())
            .filter(m -> m.hasAddress() && m.address().equals(pool.address()))
            .filter(m -> !isMarkedFailed(m))
            .isPresent();
  }

  /** The states an HA agent writes when its PostgreSQL is down. */
  private static boolean isMarkedFailed(Member m) {
    return switch (m.state()) {
      case "stopped", "crashed", "start failed", "stop failed" -> true;
      default -> false;
    };
  }
}
