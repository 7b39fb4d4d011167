package io.pgha.jdbc.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The routing policy alone: topology, replay backlog and failed reads in, routing table out. */
class RoutingPolicyTest {

  private static final MemberPoolSettings POOLS =
      new MemberPoolSettings(
          "test",
          "postgres",
          null,
          null,
          Map.of(),
          10,
          10,
          10,
          0,
          Duration.ofSeconds(2),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30),
          (member, config) -> {},
          CircuitBreakerRegistry.ofDefaults());

  private final Map<String, MemberPool> pools = new HashMap<>();

  @AfterEach
  void closePools() {
    pools.values().forEach(MemberPool::close);
  }

  private MemberPool poolOf(Member m) {
    return pools.computeIfAbsent(m.name(), n -> new MemberPool(m, POOLS));
  }

  private static Member member(String name, MemberRole role, String state, long lag) {
    return new Member(name, role, state, "127.0.0.1", 5432, lag, true, Map.of());
  }

  private RoutingTable route(Topology t, Map<String, Long> backlog, Set<String> failed) {
    return RoutingPolicy.route(
        t, this::poolOf, backlog, m -> failed.contains(m.name()), 16 * 1024 * 1024);
  }

  private static List<String> readable(RoutingTable t) {
    return t.readable().stream().map(x -> x.member().name()).toList();
  }

  @Test
  void writesToTheKeyHolderReadsToRunningReplicas() {
    Topology t =
        new Topology(
            "a",
            List.of(
                member("a", MemberRole.PRIMARY, "running", 0),
                member("b", MemberRole.REPLICA, "streaming", 0),
                member("c", MemberRole.REPLICA, "stopped", 0)));
    RoutingTable table = route(t, Map.of(), Set.of());
    assertThat(table.leaderName()).isEqualTo("a");
    assertThat(readable(table)).containsExactly("b");
    assertThat(table.qualifies(poolOf(t.member("a").orElseThrow()), true)).isTrue();
    assertThat(table.qualifies(poolOf(t.member("b").orElseThrow()), false)).isTrue();
    assertThat(table.qualifies(poolOf(t.member("b").orElseThrow()), true)).isFalse();
  }

  @Test
  void aPromotingHolderTakesWritesAndNoReads() {
    Topology t =
        new Topology(
            "b",
            List.of(
                member("b", MemberRole.REPLICA, "running", 0),
                member("c", MemberRole.REPLICA, "streaming", 0)));
    RoutingTable table = route(t, Map.of(), Set.of());
    assertThat(table.leaderName()).isEqualTo("b");
    assertThat(readable(table)).containsExactly("c");
  }

  @Test
  void theProbedBacklogAndFailedReadsTakeReplicasOut() {
    Topology t =
        new Topology(
            "a",
            List.of(
                member("a", MemberRole.PRIMARY, "running", 0),
                member("b", MemberRole.REPLICA, "streaming", 0),
                member("c", MemberRole.REPLICA, "streaming", 0),
                member("d", MemberRole.REPLICA, "streaming", 0)));
    RoutingTable table = route(t, Map.of("b", 64L * 1024 * 1024), Set.of("c"));
    assertThat(readable(table)).containsExactly("d");
    assertThat(table.readable().get(0).lagBytes()).isZero();
  }

  @Test
  void aDeposedOrFailedLeaderNoLongerQualifiesForItsLentConnections() {
    Member a = member("a", MemberRole.PRIMARY, "running", 0);
    MemberPool pool = poolOf(a);
    assertThat(route(new Topology(null, List.of(a)), Map.of(), Set.of()).qualifies(pool, true))
        .isFalse();
    Member crashed = member("a", MemberRole.PRIMARY, "crashed", 0);
    assertThat(route(new Topology("a", List.of(crashed)), Map.of(), Set.of()).qualifies(pool, true))
        .isFalse();
    // A drain keeps the key: transactions on the draining leader finish.
    assertThat(route(new Topology("a", List.of(a), "a"), Map.of(), Set.of()).qualifies(pool, true))
        .isTrue();
  }
}
