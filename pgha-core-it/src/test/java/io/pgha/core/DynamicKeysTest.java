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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni's dynamic keys that bound what the leader keeps and how long it may take to stop, on a
 * real two-member cluster: {@code max_timelines_history} (after three switchovers the {@code
 * history} key keeps only the latest two switches) and {@code primary_stop_timeout} in synchronous
 * mode (a clean stop of the leader that PostgreSQL cannot finish, its archiver still running an
 * {@code archive_command} that takes minutes, is aborted after the timeout, so the member stops and
 * the synchronous standby takes over, instead of the stop failing with PostgreSQL still running).
 */
class DynamicKeysTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private LocalPghaCluster cluster;

  @BeforeEach
  void prepareCluster() {
    cluster = new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void theHistoryKeyKeepsOnlyTheLatestTimelines() throws Exception {
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

  @Test
  void aStopThatOutlivesPrimaryStopTimeoutIsAbortedInSynchronousMode() throws Exception {
    for (Node node : cluster.nodes()) {
      node.configure(
          b ->
              b.pgRpo(0)
                  .bootstrapDcs(d -> d.primaryStopTimeout(3))
                  .postgres(
                      pg ->
                          pg.parameter("archive_mode", "on")
                              // Longer than pgha's own bound on a stop (60 s).
                              .parameter("archive_command", "sleep 90")));
    }
    cluster.startAll();
    Node old = cluster.awaitHealthy(CONVERGE);
    Node next = cluster.othersThan(old).get(0);
    await().atMost(CONVERGE).until(next::isStreamingReplica);
    try (ClusterKeys keys = new ClusterKeys(cluster)) {
      // Only the synchronous standby may take over in synchronous mode.
      await()
          .atMost(CONVERGE)
          .until(() -> keys.sync().map(s -> s.syncStandbys().contains(next.name)).orElse(false));
    }
    old.execute("CREATE TABLE t (id int PRIMARY KEY)");
    old.execute("INSERT INTO t VALUES (1)");
    // A finished WAL segment: the archiver now runs the command, and a shutdown waits for it.
    assertThat(NodeQueries.firstColumn(old, "SELECT pg_switch_wal()")).hasSize(1);
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                !NodeQueries.firstColumn(
                            old,
                            "SELECT 1 FROM pg_stat_activity WHERE backend_type = 'archiver'"
                                + " AND wait_event IS NULL")
                        .isEmpty()
                    || archiving(old));
    long postmaster = old.postmasterPid().orElseThrow();

    old.stop();

    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
        .as("the old primary's postmaster after the stop")
        .isFalse();
    await().atMost(CONVERGE).until(next::isWritablePrimary);
    assertThat(NodeQueries.firstColumn(next, "SELECT id::text FROM t")).containsExactly("1");
  }

  /** Whether the archiver of {@code node} is busy with a segment (a {@code .ready} one waits). */
  private static boolean archiving(Node node) {
    List<String> pending =
        NodeQueries.firstColumn(
            node,
            "SELECT count(*) FROM pg_ls_dir('pg_wal/archive_status') f WHERE f LIKE '%.ready'");
    return !pending.isEmpty() && !pending.get(0).equals("0");
  }
}
