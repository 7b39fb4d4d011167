package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The routing policy, a pure function: a topology snapshot, the replicas' replay backlog and the
 * replicas whose reads failed give the {@link RoutingTable}. No I/O, no state: the router feeds it
 * and installs what it returns.
 */
final class RoutingPolicy {

  private RoutingPolicy() {}

  /**
   * The routing table for {@code topology}.
   *
   * @param poolOf the pool of a member with an address
   * @param replayBacklog replay backlog in bytes by member name, as probed (absent: unknown)
   * @param readFailed replicas that keep no reads because a read on them failed
   * @param maxReplicaLagBytes replicas further behind take no reads; negative for no bound
   */
  static RoutingTable route(
      Topology topology,
      Function<Member, MemberPool> poolOf,
      Map<String, Long> replayBacklog,
      Predicate<Member> readFailed,
      long maxReplicaLagBytes) {
    RoutingTable.Target leader =
        topology
            .writableLeader()
            .map(m -> new RoutingTable.Target(m, poolOf.apply(m), 0))
            .orElse(null);
    List<RoutingTable.Target> streaming = new ArrayList<>();
    List<RoutingTable.Target> disconnected = new ArrayList<>();
    for (Member m : topology.members()) {
      if (m.role() != MemberRole.REPLICA || !m.hasAddress()) {
        continue;
      }
      if (leader != null && leader.member().name().equals(m.name())) {
        continue; // promoting: it takes writes now
      }
      if (!m.isRunning() || m.isNoLoadBalance() || readFailed.test(m)) {
        continue;
      }
      long lag = effectiveLag(m, replayBacklog);
      if (maxReplicaLagBytes >= 0 && lag > maxReplicaLagBytes) {
        continue;
      }
      (m.streaming() ? streaming : disconnected)
          .add(new RoutingTable.Target(m, poolOf.apply(m), lag));
    }
    // A replica that lost its stream while others stream may be falling behind: no reads for it.
    // When every replica lost it at once, the primary is the one that went away; until a new one
    // is promoted, their data is the latest the cluster has, so reads keep going to them.
    List<RoutingTable.Target> readable = streaming.isEmpty() ? disconnected : streaming;
    return new RoutingTable(topology, leader, List.copyOf(readable));
  }

  /** The larger of the lag the source reports and the probed replay backlog. */
  static long effectiveLag(Member m, Map<String, Long> replayBacklog) {
    Long backlog = replayBacklog.get(m.name());
    return backlog == null ? m.lagBytes() : Math.max(m.lagBytes(), backlog);
  }
}
