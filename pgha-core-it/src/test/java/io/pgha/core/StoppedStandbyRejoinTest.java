package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A member stopped as a standby on an old timeline, holding WAL the new leader never had (as a
 * primary that failsafe mode restarted read-only leaves it), is started against a leader on a newer
 * timeline: it must check its history, rewind and stream, not start on a history PostgreSQL cannot
 * follow (Patroni's {@code _check_timeline_and_lsn} for any member starting as a replica); and one
 * that pg_rewind cannot rewind is cloned again when {@code
 * remove_data_directory_on_diverged_timelines} allows it.
 */
class StoppedStandbyRejoinTest {
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
  void aStoppedStandbyWithDivergedWalRewindsAndStreamsFromTheNewLeader() throws SQLException {
    cluster = new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    Members m = stopBothAfterWalTheReplicaNeverGets();
    Node old = m.old();
    Node next = m.next();

    // The old primary runs once as a standby that streams from no one (tagged nofailover it does
    // not race), then stops: "shut down in recovery" on timeline 1, past the coming switch point.
    old.tag("nofailover", "true");
    old.start();
    await().atMost(CONVERGE).until(old::isReplica);
    assertThat(ids(old)).contains("1", "100", "199");
    old.stop();

    // The other member leads alone: a new timeline forked before the old member's end of WAL.
    next.start();
    await().atMost(CONVERGE).until(next::isWritablePrimary);
    next.execute("INSERT INTO t VALUES (2)");
    assertThat(timeline(next)).isGreaterThan(1);

    assertRejoinsAndStreams(old, next);
  }

  /**
   * Patroni's {@code remove_data_directory_on_diverged_timelines}: an old primary whose timeline
   * diverged from the new leader's, on a data directory pg_rewind cannot work on (no data
   * checksums, {@code wal_log_hints} off), is cloned again when the key allows it, although removal
   * after a failed rewind ({@code remove_data_directory_on_rewind_failure}) is off.
   */
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
    Members m = stopBothAfterWalTheReplicaNeverGets();
    Node old = m.old();
    Node next = m.next();

    // The other member leads alone, on a new timeline forked before the old primary's end of WAL.
    next.start();
    await().atMost(CONVERGE).until(next::isWritablePrimary);
    assertThat(NodeQueries.firstColumn(next, "SHOW data_checksums")).containsExactly("off");
    next.execute("INSERT INTO t VALUES (2)");

    assertRejoinsAndStreams(old, next);
  }

  private record Members(Node old, Node next) {}

  /**
   * Starts the cluster, replicates a row, then writes WAL the replica never receives (it is
   * stopped) and stops the primary cleanly: both are stopped, the old primary ahead.
   */
  private Members stopBothAfterWalTheReplicaNeverGets() throws SQLException {
    cluster.startAll();
    Node old = cluster.awaitHealthy(CONVERGE);
    Node next = cluster.othersThan(old).get(0);
    old.execute("CREATE TABLE t (id int PRIMARY KEY)");
    old.execute("INSERT INTO t VALUES (1)");
    await().atMost(CONVERGE).until(() -> ids(next).contains("1"));
    next.stop();
    old.execute("INSERT INTO t SELECT g FROM generate_series(100, 199) g");
    old.stop();
    return new Members(old, next);
  }

  /** {@code old} starts, streams from {@code next} what it wrote since and goes on streaming. */
  private void assertRejoinsAndStreams(Node old, Node next) throws SQLException {
    old.start();
    await().atMost(CONVERGE).until(() -> old.isStreamingReplica() && ids(old).contains("2"));
    next.execute("INSERT INTO t VALUES (3)");
    await().atMost(CONVERGE).until(() -> ids(old).equals(ids(next)));
    assertThat(ids(old)).containsExactly("1", "2", "3");
    assertThat(cluster.writablePrimaries()).containsExactly(next);
  }

  private static List<String> ids(Node node) {
    return NodeQueries.firstColumn(node, "SELECT id FROM t ORDER BY id");
  }

  private static int timeline(Node node) {
    List<String> file =
        NodeQueries.firstColumn(node, "SELECT pg_walfile_name(pg_current_wal_lsn())");
    return file.isEmpty() ? 0 : Integer.parseInt(file.get(0).substring(0, 8), 16);
  }
}
