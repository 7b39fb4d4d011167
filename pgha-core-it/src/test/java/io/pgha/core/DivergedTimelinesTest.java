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
 * Patroni's {@code remove_data_directory_on_diverged_timelines}: an old primary whose timeline
 * diverged from the new leader's, on a data directory pg_rewind cannot work on (no data checksums,
 * {@code wal_log_hints} off), is cloned again when the key allows it, although removal after a
 * failed rewind ({@code remove_data_directory_on_rewind_failure}) is off.
 */
class DivergedTimelinesTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  private LocalPghaCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDivergedPrimaryThatCannotBeRewoundIsClonedAgainWhenAllowed() throws Exception {
    cluster = new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    for (Node node : cluster.nodes()) {
      node.configure(
          b ->
              b.removeDataDirectoryOnRewindFailure(false)
                  .postgres(
                      pg ->
                          pg.initdbOptions(List.of("--encoding=UTF8", "--no-sync"))
                              .parameter("wal_log_hints", "off")
                              .removeDataDirectoryOnDivergedTimelines(true)));
    }
    cluster.startAll();
    Node old = cluster.awaitHealthy(CONVERGE);
    Node next = cluster.othersThan(old).get(0);
    assertThat(NodeQueries.firstColumn(old, "SHOW data_checksums")).containsExactly("off");
    old.execute("CREATE TABLE t (id int PRIMARY KEY)");
    old.execute("INSERT INTO t VALUES (1)");
    await().atMost(CONVERGE).until(() -> ids(next).contains("1"));

    // WAL the other member never receives, then a clean stop of the old primary.
    next.stop();
    old.execute("INSERT INTO t SELECT g FROM generate_series(100, 199) g");
    old.stop();

    // The other member leads alone, on a new timeline forked before the old primary's end of WAL.
    next.start();
    await().atMost(CONVERGE).until(next::isWritablePrimary);
    next.execute("INSERT INTO t VALUES (2)");

    old.start();
    await().atMost(CONVERGE).until(() -> old.isStreamingReplica() && ids(old).contains("2"));
    next.execute("INSERT INTO t VALUES (3)");
    await().atMost(CONVERGE).until(() -> ids(old).equals(ids(next)));
    assertThat(ids(old)).containsExactly("1", "2", "3");
    assertThat(cluster.writablePrimaries()).containsExactly(next);
  }

  private static List<String> ids(Node node) {
    return NodeQueries.firstColumn(node, "SELECT id::text FROM t ORDER BY id");
  }
}
