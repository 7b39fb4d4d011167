package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.PatroniCodec;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code max_timelines_history} on a real cluster: after three switchovers the {@code
 * history} key keeps only the latest two timeline switches.
 */
class MaxTimelinesHistoryTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private LocalPghaCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theHistoryKeyKeepsOnlyTheLatestTimelines() throws Exception {
    cluster = new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    for (Node node : cluster.nodes()) {
      node.configure(b -> b.bootstrapDcs(d -> d.maxTimelinesHistory(2)));
    }
    cluster.startAll();
    Node leader = cluster.awaitHealthy(CONVERGE);
    try (ClusterKeys keys = new ClusterKeys(cluster)) {
      for (int i = 0; i < 3; i++) {
        Node candidate = cluster.othersThan(leader).get(0);
        Node from = leader;
        String body =
            "{\"leader\": \"" + from.name + "\", \"candidate\": \"" + candidate.name + "\"}";
        // Refused (412) until the leader sees the candidate running again after the last switch.
        await()
            .atMost(CONVERGE)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> from.api("POST", "/switchover", body).status() == 200);
        await().atMost(CONVERGE).until(candidate::isWritablePrimary);
        leader = candidate;
      }
      // Timelines 1, 2 and 3 were left; the entries of the last two switches remain.
      await().atMost(CONVERGE).until(() -> timelines(keys).equals(List.of(2L, 3L)));
      assertThat(keys.value("config").orElseThrow()).contains("\"max_timelines_history\":2");
    }
  }

  private static List<Long> timelines(ClusterKeys keys) {
    return keys
        .value("history")
        .map(v -> PatroniCodec.decodeHistory("history", v, w -> {}))
        .orElse(List.of())
        .stream()
        .map(HistoryEntry::timeline)
        .toList();
  }
}
