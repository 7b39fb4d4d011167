package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code primary_stop_timeout} in synchronous mode: a clean stop of the leader that
 * PostgreSQL cannot finish (its archiver still runs an {@code archive_command} that takes minutes,
 * and a shutdown waits for it) is aborted after the timeout, so the member stops, its leader key is
 * released and the synchronous standby takes over, instead of the stop failing with PostgreSQL
 * still running and the cluster led by a member on its way out.
 */
class PrimaryStopTimeoutTest {
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
  void aStopThatOutlivesPrimaryStopTimeoutIsAbortedInSynchronousMode() throws Exception {
    cluster = new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
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
