package io.pgha.core.api;

import static io.pgha.core.api.HealthEndpoint.ASYNC;
import static io.pgha.core.api.HealthEndpoint.HEALTH;
import static io.pgha.core.api.HealthEndpoint.LEADER;
import static io.pgha.core.api.HealthEndpoint.LIVENESS;
import static io.pgha.core.api.HealthEndpoint.PRIMARY;
import static io.pgha.core.api.HealthEndpoint.QUORUM;
import static io.pgha.core.api.HealthEndpoint.READINESS;
import static io.pgha.core.api.HealthEndpoint.READ_ONLY;
import static io.pgha.core.api.HealthEndpoint.READ_ONLY_QUORUM;
import static io.pgha.core.api.HealthEndpoint.READ_ONLY_SYNC;
import static io.pgha.core.api.HealthEndpoint.REPLICA;
import static io.pgha.core.api.HealthEndpoint.STANDBY_LEADER;
import static io.pgha.core.api.HealthEndpoint.SYNC;
import static io.pgha.core.api.Snapshots.LSN;
import static io.pgha.core.api.Snapshots.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Role;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HealthRulesTest {

  private static int status(HealthEndpoint e, NodeSnapshot s) {
    return status(e, s, "");
  }

  private static int status(HealthEndpoint e, NodeSnapshot s, String query) {
    try {
      return HealthRules.evaluate(e, s, HealthQuery.parse(query), NOW).status();
    } catch (RequestRefusedException ex) {
      throw new AssertionError(ex.getMessage(), ex);
    }
  }

  private static Map<HealthEndpoint, Integer> all(NodeSnapshot s) {
    Map<HealthEndpoint, Integer> result = new EnumMap<>(HealthEndpoint.class);
    for (HealthEndpoint e : HealthEndpoint.values()) {
      result.put(e, status(e, s));
    }
    return result;
  }

  // ------------------------------------------------------------------ every endpoint, both roles

  @Test
  void leaderOfAnAsyncCluster() {
    assertThat(all(Snapshots.leader()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry(PRIMARY, 200),
                Map.entry(LEADER, 200),
                Map.entry(STANDBY_LEADER, 503),
                Map.entry(REPLICA, 503),
                Map.entry(READ_ONLY, 200),
                Map.entry(SYNC, 503),
                Map.entry(READ_ONLY_SYNC, 200),
                Map.entry(QUORUM, 503),
                Map.entry(READ_ONLY_QUORUM, 200),
                Map.entry(ASYNC, 503),
                Map.entry(HEALTH, 200),
                Map.entry(LIVENESS, 200),
                Map.entry(READINESS, 200)));
  }

  @Test
  void streamingReplicaOfAnAsyncCluster() {
    assertThat(all(Snapshots.replica()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry(PRIMARY, 503),
                Map.entry(LEADER, 503),
                Map.entry(STANDBY_LEADER, 503),
                Map.entry(REPLICA, 200),
                Map.entry(READ_ONLY, 200),
                Map.entry(SYNC, 503),
                Map.entry(READ_ONLY_SYNC, 503),
                Map.entry(QUORUM, 503),
                Map.entry(READ_ONLY_QUORUM, 503),
                Map.entry(ASYNC, 200),
                Map.entry(HEALTH, 200),
                Map.entry(LIVENESS, 200),
                Map.entry(READINESS, 200)));
  }

  @Test
  void synchronousStandbyIsSyncNotAsync() {
    NodeSnapshot sync = Snapshots.replica("pg-test-3", Snapshots.syncView());
    assertThat(status(SYNC, sync)).isEqualTo(200);
    assertThat(status(READ_ONLY_SYNC, sync)).isEqualTo(200);
    assertThat(status(ASYNC, sync)).isEqualTo(503);
    assertThat(status(REPLICA, sync)).isEqualTo(200);
    assertThat(status(QUORUM, sync)).isEqualTo(503);

    NodeSnapshot async = Snapshots.replica("pg-test-1", Snapshots.syncView());
    assertThat(status(SYNC, async)).isEqualTo(503);
    assertThat(status(ASYNC, async)).isEqualTo(200);
    assertThat(status(READ_ONLY_SYNC, async)).isEqualTo(503);
  }

  @Test
  void quorumStandbyIsQuorumNotSync() {
    ClusterView quorum =
        Snapshots.view(DynamicConfig.builder().synchronousMode(SynchronousMode.QUORUM).build())
            .toBuilder()
            .sync(SyncState.of("pg-test-2", List.of("pg-test-3")))
            .build();
    NodeSnapshot s = Snapshots.replica("pg-test-3", quorum);
    assertThat(status(QUORUM, s)).isEqualTo(200);
    assertThat(status(READ_ONLY_QUORUM, s)).isEqualTo(200);
    assertThat(status(SYNC, s)).isEqualTo(503);
    assertThat(status(ASYNC, s)).isEqualTo(503);
  }

  /** The captured Patroni responses: every GET health path, leader and replica, both clusters. */
  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @MethodSource("sampleGets")
  void matchesPatroniSamples(String cluster, String role, String path, int expected) {
    ClusterView view = cluster.equals("sync") ? Snapshots.syncView() : Snapshots.asyncView();
    NodeSnapshot s =
        role.equals("leader") ? Snapshots.leader(view) : Snapshots.replica("pg-test-1", view);
    HealthEndpoint e = HealthEndpoint.forPath(path).orElseThrow();
    assertThat(status(e, s)).isEqualTo(expected);
  }

  static Stream<Arguments> sampleGets() {
    return Stream.of("async", "sync")
        .flatMap(
            cluster ->
                SampleIndex.rows(cluster).stream()
                    .filter(r -> r.method().equals("GET"))
                    .filter(r -> HealthEndpoint.forPath(r.path()).isPresent())
                    .map(r -> Arguments.of(cluster, r.role(), r.path(), r.status())));
  }

  // ------------------------------------------------------------------ filters

  @Test
  void lagFilterComparesReplayedWalWithTheLeaderPosition() {
    NodeSnapshot behind =
        Snapshots.replica().toBuilder()
            .postgres(Snapshots.replicaStatus(LSN, LSN - 2 * 1024 * 1024, "streaming"))
            .build();
    assertThat(status(REPLICA, behind, "lag=1MB")).isEqualTo(503);
    assertThat(status(REPLICA, behind, "lag=1048576")).isEqualTo(503);
    assertThat(status(REPLICA, behind, "lag=16MB")).isEqualTo(200);
    assertThat(status(REPLICA, behind, "lag=2097152")).isEqualTo(200);
    assertThat(status(REPLICA, behind)).isEqualTo(200);
    assertThat(status(READ_ONLY, behind, "lag=1MB")).isEqualTo(503);
    assertThat(status(ASYNC, behind, "lag=1MB")).isEqualTo(503);
    assertThat(status(ASYNC, behind, "lag=64MB")).isEqualTo(200);
    // The leader is read-only healthy whatever the lag bound.
    assertThat(status(READ_ONLY, Snapshots.leader(), "lag=0")).isEqualTo(200);
  }

  @Test
  void lagFilterUsesTheNewestKnownLeaderPosition() {
    // The status key is stale, but the replica has received more: the lag counts from that.
    NodeSnapshot s =
        Snapshots.replica().toBuilder()
            .postgres(Snapshots.replicaStatus(LSN + 100_000, LSN, "streaming"))
            .build();
    assertThat(status(REPLICA, s, "lag=99999")).isEqualTo(503);
    assertThat(status(REPLICA, s, "lag=100kB")).isEqualTo(200);
  }

  @Test
  void replicationStateFilter() {
    assertThat(status(REPLICA, Snapshots.replica(), "replication_state=streaming")).isEqualTo(200);
    NodeSnapshot notStreaming =
        Snapshots.replica().toBuilder()
            .postgres(Snapshots.replicaStatus(LSN, LSN, "stopping"))
            .build();
    assertThat(status(REPLICA, notStreaming, "replication_state=streaming")).isEqualTo(503);
    assertThat(status(REPLICA, notStreaming)).isEqualTo(200);
    assertThat(status(READINESS, notStreaming)).isEqualTo(503);
  }

  @Test
  void tagFiltersMatchTagValuesAsPatroniPrintsThem() {
    NodeSnapshot tagged =
        Snapshots.replica().toBuilder()
            .tags(Tags.NONE.withCustom("dc", "eu").withNoFailover(true).withCustom("rack", 7))
            .build();
    assertThat(status(REPLICA, tagged, "tag_dc=eu")).isEqualTo(200);
    assertThat(status(REPLICA, tagged, "tag_dc=us")).isEqualTo(503);
    assertThat(status(REPLICA, tagged, "tag_nofailover=true")).isEqualTo(200);
    assertThat(status(REPLICA, tagged, "tag_nofailover=True")).isEqualTo(503);
    assertThat(status(REPLICA, tagged, "tag_rack=7&tag_dc=eu")).isEqualTo(200);
    assertThat(status(REPLICA, tagged, "tag_missing=x")).isEqualTo(503);
    assertThat(status(ASYNC, tagged, "tag_dc=us")).isEqualTo(503);
    assertThat(status(HEALTH, tagged, "tag_dc=us")).isEqualTo(503);
    assertThat(status(REPLICA, Snapshots.replica(), "tag_dc=eu")).isEqualTo(503);
    // Patroni ignores tag filters on the leader checks.
    NodeSnapshot leader =
        Snapshots.leader().toBuilder().tags(Tags.NONE.withCustom("dc", "eu")).build();
    assertThat(status(PRIMARY, leader, "tag_dc=us")).isEqualTo(200);
    assertThat(status(LEADER, leader, "tag_dc=us")).isEqualTo(200);
    assertThat(status(READ_ONLY, leader, "tag_dc=us")).isEqualTo(503);
  }

  @Test
  void noLoadBalanceTakesAReplicaOutOfReadTraffic() {
    NodeSnapshot s =
        Snapshots.replica().toBuilder().tags(Tags.NONE.withNoLoadBalance(true)).build();
    assertThat(status(REPLICA, s)).isEqualTo(503);
    assertThat(status(READ_ONLY, s)).isEqualTo(503);
    assertThat(status(ASYNC, s)).isEqualTo(503);
    assertThat(status(HEALTH, s)).isEqualTo(200);
  }

  // ------------------------------------------------------------------ states

  @Test
  void stoppedPostgresIsUnhealthyEverywhereButTheLeaderKeyChecks() {
    NodeSnapshot stopped =
        Snapshots.replica().toBuilder()
            .postgresState("stopped")
            .postgres(NodeSnapshot.notRunning())
            .build();
    assertThat(status(HEALTH, stopped)).isEqualTo(503);
    assertThat(status(REPLICA, stopped)).isEqualTo(503);
    assertThat(status(READ_ONLY, stopped)).isEqualTo(503);
    assertThat(status(READINESS, stopped)).isEqualTo(503);
  }

  @Test
  void aPrimaryWithoutTheLeaderKeyIsNotPrimary() {
    NodeSnapshot s = Snapshots.leader().toBuilder().holdsLeaderKey(false).build();
    assertThat(status(PRIMARY, s)).isEqualTo(503);
    assertThat(status(LEADER, s)).isEqualTo(503);
    assertThat(status(REPLICA, s)).isEqualTo(503);
    assertThat(status(READ_ONLY, s)).isEqualTo(503);
  }

  // ------------------------------------------------------------------ confirmed leadership

  @Test
  void leadershipIsFreshStrictlyWithinTheBoundOfTheConfirmedSend() {
    Duration bound = Duration.ofSeconds(2);
    long sent = NOW - bound.toNanos();
    assertThat(HealthRules.isConfirmedFresh(OptionalLong.of(sent + 1), bound, NOW)).isTrue();
    assertThat(HealthRules.isConfirmedFresh(OptionalLong.of(sent), bound, NOW)).isFalse();
    assertThat(HealthRules.isConfirmedFresh(OptionalLong.of(sent - 1), bound, NOW)).isFalse();
    assertThat(HealthRules.isConfirmedFresh(OptionalLong.of(NOW), bound, NOW)).isTrue();
    assertThat(HealthRules.isConfirmedFresh(OptionalLong.empty(), bound, NOW)).isFalse();
    // nanoTime may be negative or wrap: only differences count.
    assertThat(
            HealthRules.isConfirmedFresh(
                OptionalLong.of(Long.MAX_VALUE - 10), bound, Long.MIN_VALUE + 10))
        .isTrue();
  }

  @Test
  void theBoundIsTheSilenceTimeoutInEveryModeAndNeverBeyondTtl() {
    assertThat(HealthRules.confirmationBound(DynamicConfig.builder().build(), true))
        .isEqualTo(Duration.ofSeconds(DynamicConfig.DEFAULT_LEADER_SILENCE_TIMEOUT));
    assertThat(
            HealthRules.confirmationBound(
                DynamicConfig.builder().synchronousMode(SynchronousMode.ON).build(), true))
        .isEqualTo(Duration.ofSeconds(DynamicConfig.DEFAULT_LEADER_SILENCE_TIMEOUT));
    assertThat(
            HealthRules.confirmationBound(
                DynamicConfig.builder().leaderSilenceTimeout(5).ttl(20).build(), true))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void withNoFastTakeoverPossibleTheBoundIsTheTtlLessAQuarterInEveryMode() {
    assertThat(HealthRules.confirmationBound(DynamicConfig.builder().ttl(10).build(), false))
        .isEqualTo(Duration.ofMillis(7500));
    assertThat(
            HealthRules.confirmationBound(
                DynamicConfig.builder().ttl(10).synchronousMode(SynchronousMode.ON).build(), false))
        .isEqualTo(Duration.ofMillis(7500));
    assertThat(
            HealthRules.confirmationBound(
                DynamicConfig.builder().leaderSilenceTimeout(1).ttl(30).build(), false))
        .isEqualTo(Duration.ofMillis(22500));
  }

  @Test
  void aLeaderNoFastTakeoverCanDeposeCountsAConfirmationUntilTheTtlLessAQuarter() {
    DynamicConfig ttl10 = DynamicConfig.builder().ttl(10).build();
    NodeSnapshot base = Snapshots.leader(Snapshots.view(ttl10));
    NodeSnapshot relaxed =
        base.toBuilder()
            .fastTakeoverMayDepose(false)
            .leaderConfirmedAtNanos(OptionalLong.of(NOW - Duration.ofMillis(7499).toNanos()))
            .build();
    assertThat(status(PRIMARY, relaxed)).isEqualTo(200);
    assertThat(status(LEADER, relaxed)).isEqualTo(200);
    assertThat(status(READ_ONLY, relaxed)).isEqualTo(200);

    NodeSnapshot relaxedStale =
        relaxed.toBuilder()
            .leaderConfirmedAtNanos(OptionalLong.of(NOW - Duration.ofMillis(7500).toNanos()))
            .build();
    assertThat(status(PRIMARY, relaxedStale)).isEqualTo(503);
    assertThat(status(LEADER, relaxedStale)).isEqualTo(503);
    assertThat(HealthRules.evaluate(PRIMARY, relaxedStale, HealthQuery.NONE, NOW).reason())
        .contains("7500 ms");

    // The same confirmation, 3 s old, when a fast takeover may depose the leader (the default).
    NodeSnapshot exposed =
        base.toBuilder()
            .leaderConfirmedAtNanos(OptionalLong.of(NOW - Duration.ofSeconds(3).toNanos()))
            .build();
    assertThat(exposed.fastTakeoverMayDepose()).isTrue();
    assertThat(status(PRIMARY, exposed)).isEqualTo(503);
    assertThat(status(PRIMARY, exposed.toBuilder().fastTakeoverMayDepose(false).build()))
        .isEqualTo(200);
    // Still no leader without the key, relaxed or not.
    assertThat(status(PRIMARY, relaxed.toBuilder().holdsLeaderKey(false).build())).isEqualTo(503);
  }

  @Test
  void aLeaderWhoseLeadershipIsNotConfirmedFreshIsNeitherPrimaryNorLeader() {
    long stale = NOW - Duration.ofMillis(2001).toNanos();
    for (NodeSnapshot s :
        List.of(
            Snapshots.leader().toBuilder().leaderConfirmedAtNanos(OptionalLong.of(stale)).build(),
            Snapshots.leader().toBuilder().leaderConfirmedAtNanos(OptionalLong.empty()).build(),
            Snapshots.leader(Snapshots.syncView()).toBuilder()
                .leaderConfirmedAtNanos(OptionalLong.of(stale))
                .build())) {
      assertThat(status(PRIMARY, s)).isEqualTo(503);
      assertThat(status(LEADER, s)).isEqualTo(503);
      assertThat(status(READ_ONLY, s)).isEqualTo(503);
      assertThat(status(READ_ONLY_SYNC, s)).isEqualTo(503);
      assertThat(status(READ_ONLY_QUORUM, s)).isEqualTo(503);
      assertThat(HealthRules.evaluate(PRIMARY, s, HealthQuery.NONE, NOW).reason())
          .contains("not confirmed");
    }
    NodeSnapshot fresh =
        Snapshots.leader().toBuilder()
            .leaderConfirmedAtNanos(OptionalLong.of(NOW - Duration.ofMillis(1999).toNanos()))
            .build();
    assertThat(status(PRIMARY, fresh)).isEqualTo(200);
    assertThat(status(LEADER, fresh)).isEqualTo(200);
  }

  @Test
  void inFailsafeModeTheMembersConfirmationsStandInForEtcds() {
    NodeSnapshot s =
        Snapshots.leader().toBuilder()
            .dcsReachable(false)
            .failsafeActive(true)
            .leaderConfirmedAtNanos(OptionalLong.of(NOW - Duration.ofSeconds(30).toNanos()))
            .build();
    assertThat(status(PRIMARY, s)).isEqualTo(200);
    assertThat(status(LEADER, s)).isEqualTo(200);
  }

  @Test
  void theKeyHolderIsPrimaryOnlyWhilePostgresRunsReadWrite() {
    NodeSnapshot restarting =
        Snapshots.leader().toBuilder()
            .postgresState("starting")
            .role(Role.UNKNOWN)
            .postgres(NodeSnapshot.notRunning())
            .build();
    assertThat(status(PRIMARY, restarting)).isEqualTo(503);
    assertThat(status(LEADER, restarting)).isEqualTo(200);
    NodeSnapshot stillInRecovery =
        Snapshots.leader().toBuilder()
            .role(Role.REPLICA)
            .postgres(Snapshots.replicaStatus(LSN, LSN, ""))
            .build();
    assertThat(status(PRIMARY, stillInRecovery)).isEqualTo(503);
  }

  @Test
  void standbyClusterLeaderIsStandbyLeaderNotPrimary() {
    ClusterView standby =
        Snapshots.view(
            DynamicConfig.builder()
                .extra(Map.of("standby_cluster", Map.of("host", "10.0.0.1", "port", 5432)))
                .build());
    NodeSnapshot s =
        Snapshots.leader(standby).toBuilder()
            .role(Role.STANDBY_LEADER)
            .postgres(Snapshots.replicaStatus(LSN, LSN, "streaming"))
            .build();
    assertThat(s.effectiveRole()).isEqualTo(Role.STANDBY_LEADER);
    assertThat(status(PRIMARY, s)).isEqualTo(503);
    assertThat(status(STANDBY_LEADER, s)).isEqualTo(200);
    assertThat(status(LEADER, s)).isEqualTo(200);
    assertThat(status(READ_ONLY, s)).isEqualTo(200);
    assertThat(status(REPLICA, s)).isEqualTo(503);
  }

  @Test
  void pausedWithEtcdUnreachableTrustsPostgresRole() {
    ClusterView paused = Snapshots.view(DynamicConfig.builder().pause(true).build());
    NodeSnapshot s =
        Snapshots.leader(paused).toBuilder().dcsReachable(false).holdsLeaderKey(false).build();
    assertThat(status(PRIMARY, s)).isEqualTo(200);
    assertThat(status(LEADER, s)).isEqualTo(200);
    NodeSnapshot notPaused =
        Snapshots.leader().toBuilder().dcsReachable(false).holdsLeaderKey(false).build();
    assertThat(status(PRIMARY, notPaused)).isEqualTo(503);
  }

  @Test
  void syncAndAsyncNeedEtcd() {
    NodeSnapshot s =
        Snapshots.replica("pg-test-3", Snapshots.syncView()).toBuilder()
            .dcsReachable(false)
            .build();
    assertThat(status(SYNC, s)).isEqualTo(503);
    assertThat(status(ASYNC, s)).isEqualTo(503);
    assertThat(status(REPLICA, s)).isEqualTo(200);
  }

  @Test
  void livenessFollowsTheHaLoop() {
    long second = 1_000_000_000L;
    // ttl 30, loop_wait 10: a primary is live for 40 s after the last loop, a replica for 70 s.
    NodeSnapshot leader = Snapshots.leader().toBuilder().lastLoopNanos(NOW - 39 * second).build();
    assertThat(status(LIVENESS, leader)).isEqualTo(200);
    assertThat(status(LIVENESS, leader.toBuilder().lastLoopNanos(NOW - 41 * second).build()))
        .isEqualTo(503);
    NodeSnapshot replica = Snapshots.replica().toBuilder().lastLoopNanos(NOW - 69 * second).build();
    assertThat(status(LIVENESS, replica)).isEqualTo(200);
    assertThat(status(LIVENESS, replica.toBuilder().lastLoopNanos(NOW - 71 * second).build()))
        .isEqualTo(503);
    NodeSnapshot neverRan = NodeSnapshot.builder("x", "s").build();
    assertThat(status(LIVENESS, neverRan)).isEqualTo(503);
    NodeSnapshot stuckButPaused =
        Snapshots.leader(Snapshots.view(DynamicConfig.builder().pause(true).build())).toBuilder()
            .lastLoopNanos(NOW - 3600 * second)
            .build();
    assertThat(status(LIVENESS, stuckButPaused)).isEqualTo(200);
  }

  @Test
  void readinessBoundsLagByMaximumLagOnFailoverOrTheQuery() {
    NodeSnapshot behind =
        Snapshots.replica().toBuilder()
            .postgres(Snapshots.replicaStatus(LSN, LSN - 2 * 1024 * 1024, "streaming"))
            .build();
    assertThat(status(READINESS, behind)).isEqualTo(503); // 2 MiB > 1 MiB default
    assertThat(status(READINESS, behind, "lag=4MB")).isEqualTo(200);
    // mode=write measures received WAL, which is complete here.
    assertThat(status(READINESS, behind, "mode=write")).isEqualTo(200);
    assertThat(status(READINESS, behind, "mode=apply")).isEqualTo(503);
    assertThat(status(READINESS, Snapshots.leader(), "lag=0")).isEqualTo(200);
  }

  @Test
  void readinessWithoutEtcdDependsOnFailsafe() {
    ClusterView noStatus = ClusterView.builder().config(DynamicConfig.defaults()).build();
    NodeSnapshot s =
        Snapshots.replica().toBuilder()
            .cluster(noStatus)
            .dcsReachable(false)
            .postgres(Snapshots.replicaStatus(0, 0, "streaming"))
            .build();
    assertThat(status(READINESS, s)).isEqualTo(503);
    assertThat(status(READINESS, s.toBuilder().failsafeActive(true).build())).isEqualTo(200);
  }

  @Test
  void verdictsSayWhy() throws Exception {
    HealthVerdict v =
        HealthRules.evaluate(
            REPLICA,
            Snapshots.replica().toBuilder()
                .postgres(Snapshots.replicaStatus(LSN, LSN - 5000, "streaming"))
                .build(),
            HealthQuery.parse("lag=1kB"),
            NOW);
    assertThat(v.healthy()).isFalse();
    assertThat(v.reason()).isEqualTo("replay lag 5000 bytes exceeds lag=1024 bytes");
  }

  // ------------------------------------------------------------------ query parsing

  @Test
  void lagAcceptsBytesAndPostgresUnits() throws Exception {
    assertThat(ByteSize.parse("lag", "1048576")).isEqualTo(1048576);
    assertThat(ByteSize.parse("lag", "16kB")).isEqualTo(16 * 1024);
    assertThat(ByteSize.parse("lag", "64MB")).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("lag", "1.5GB")).isEqualTo(3L << 29);
    assertThat(ByteSize.parse("lag", "2TB")).isEqualTo(2L << 40);
    assertThat(ByteSize.parse("lag", "100B")).isEqualTo(100);
    assertThat(ByteSize.parse("lag", "0")).isZero();
  }

  @Test
  void badQueryValuesAreRefusedWithAReason() {
    assertThatThrownBy(() -> HealthQuery.parse("lag=lots"))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("lag='lots'")
        .hasMessageContaining("kB, MB");
    assertThatThrownBy(() -> HealthQuery.parse("lag=16mb")).hasMessageContaining("lag='16mb'");
    assertThatThrownBy(() -> HealthQuery.parse("lag=-5")).hasMessageContaining("lag='-5'");
    assertThatThrownBy(() -> HealthQuery.parse("mode=fast"))
        .hasMessage("mode='fast' is not allowed: use apply or write");
  }

  @Test
  void queryTakesTheFirstOfRepeatedParametersAndDecodesThem() throws Exception {
    HealthQuery q =
        HealthQuery.parse("lag=1kB&lag=1MB&tag_zone=eu%2Dwest&replication_state=streaming&x=1");
    assertThat(q.lag()).hasValue(1024);
    assertThat(q.tags()).containsExactly(Map.entry("zone", "eu-west"));
    assertThat(q.replicationState()).hasValue("streaming");
    assertThat(q.writeMode()).isFalse();
  }

  /** The status lines of {@code rest/index.tsv}. */
  record SampleIndex(String role, String method, String path, int status) {
    static List<SampleIndex> rows(String cluster) {
      try (InputStream in =
          HealthRulesTest.class.getResourceAsStream("/patroni/" + cluster + "/rest-index.tsv")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .skip(1)
            .map(l -> l.split("\t"))
            .map(f -> new SampleIndex(f[0], f[1], f[2], Integer.parseInt(f[3])))
            .toList();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
