package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.agent.AgentEvent;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.PatroniCodec;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import io.pgha.testkit.cluster.LocalPghaCluster.TimedEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code config} key's lifecycle on a real 2-member cluster (real etcd and PostgreSQL): the
 * leader writes its bootstrap configuration to a missing key, as Patroni's leader does, without any
 * change of role.
 */
class ConfigKeyTest {
  // Timings other than Patroni's defaults (ttl 30, loop_wait 10): a key written from the defaults
  // would show.
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration LOOP_WAIT = Duration.ofSeconds(2);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @Test
  void theLeaderWritesADeletedConfigKeyBackWithoutAnyRoleChange() throws Exception {
    try (LocalPghaCluster cluster = new LocalPghaCluster(2, TTL, LOOP_WAIT, Duration.ofSeconds(3));
        ClusterKeys keys = new ClusterKeys(cluster)) {
      cluster.startAll();
      writtenBackWithoutRoleChange(cluster, keys);
    }
  }

  private static void writtenBackWithoutRoleChange(LocalPghaCluster cluster, ClusterKeys keys)
      throws Exception {
    Node leader = cluster.awaitHealthy(CONVERGE);
    assertThat(keys.value("config")).as("the bootstrap wrote the config key").isPresent();
    String leaderKey = keys.value("leader").orElseThrow();
    // A replica streams before its agent tells it follows the leader: wait for that event, so
    // that it is not taken for a role change after the deletion.
    for (Node node : cluster.othersThan(leader)) {
      assertThat(
              ClusterKeys.within(
                  CONVERGE,
                  () ->
                      node.events().stream()
                          .anyMatch(e -> e.event() instanceof AgentEvent.FollowingLeader)))
          .as("%s reported following the leader", node)
          .isTrue();
    }

    // etcdctl del /service/<scope>/config
    long deletedAt = System.nanoTime();
    assertThat(keys.delete("config")).isEqualTo(1);

    // A few loop_waits: the leader's next cycles see the key missing.
    Duration bound = LOOP_WAIT.multipliedBy(5);
    assertThat(ClusterKeys.within(bound, () -> keys.value("config").isPresent()))
        .as("the config key is written back within %s", bound)
        .isTrue();
    DynamicConfig written =
        PatroniCodec.decodeConfig("config", keys.value("config").orElseThrow(), w -> {});
    assertThat(written.ttl()).isEqualTo((int) TTL.toSeconds());
    assertThat(written.loopWait()).isEqualTo((int) LOOP_WAIT.toSeconds());
    // GET /config answers 502 while the key is missing, as Patroni's API.
    assertThat(ClusterKeys.within(bound, () -> leader.apiStatus("/config") == 200))
        .as("GET /config answers once the key is back")
        .isTrue();

    // No role changed: no member told of any event since, the same member leads as primary.
    for (Node node : cluster.nodes()) {
      List<TimedEvent> since =
          node.events().stream().filter(e -> e.nanos() - deletedAt > 0).toList();
      assertThat(since).as("events of %s since the key was deleted", node).isEmpty();
    }
    assertThat(keys.value("leader")).contains(leaderKey);
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(leader);
  }
}
