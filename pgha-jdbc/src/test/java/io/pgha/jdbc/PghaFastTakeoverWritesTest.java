package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.jdbc.ClusterUnderTest.Node;
import io.pgha.jdbc.HungHostScenarios.Attempt;
import io.pgha.jdbc.HungHostScenarios.Probe;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes through pgha-jdbc while the leader's host dies in synchronous mode and its synchronous
 * standby takes over fast (issue 18). The leader key names the standby before its promotion ends;
 * no write may meet it still read-only (25006, raised as 08S02). The application sees writes fail
 * only until the new leader key appears (those sent to the dead leader), none after, and every
 * acknowledged row is on the new leader.
 */
class PghaFastTakeoverWritesTest {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PghaFastTakeoverWritesTest.class);
  private static final int WRITERS = 4;

  private static ClusterUnderTest cluster;
  private static TopologyAwareDataSource ds;

  @BeforeAll
  static void startClusterAndDataSource() throws SQLException {
    cluster = PghaHungHostTest.pghaCluster(0);
    ds = HungHostScenarios.probeTableAndDataSource(cluster);
  }

  @AfterAll
  static void stopCluster() {
    if (ds != null) {
      ds.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void noWriteMeetsTheNewLeaderWhileItPromotes() throws Exception {
    Node old = cluster.leader();
    List<Probe> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      writers.add(new Probe("w" + i, ds, true));
    }
    long killedAt;
    long newLeaderAt;
    String newLeader;
    List<Attempt> afterKill = new ArrayList<>();
    Set<String> acknowledged = new HashSet<>();
    try {
      for (Probe w : writers) {
        w.awaitSuccesses(20);
      }
      killedAt = System.nanoTime();
      old.killHost();
      newLeaderAt = HungHostScenarios.awaitNewLeaderKey(ds, old.name());
      newLeader = ds.topology().leaderName();
      int newPort = cluster.node(newLeader).port();
      for (Probe w : writers) {
        await()
            .atMost(HungHostScenarios.WAIT)
            .until(() -> w.endingAfter(newLeaderAt).stream().anyMatch(a -> a.port() == newPort));
        w.awaitSuccesses(20);
      }
    } finally {
      for (Probe w : writers) {
        w.close();
      }
    }
    for (Probe w : writers) {
      afterKill.addAll(w.endingAfter(killedAt));
      acknowledged.addAll(w.acknowledgedKeys());
    }
    List<Attempt> failed = afterKill.stream().filter(a -> !a.ok()).toList();
    LOG.info(
        "host kill of {}: new leader key {} after {} ms; {} writes after the kill, failed: {}",
        old.name(),
        newLeader,
        HungHostScenarios.millis(newLeaderAt - killedAt),
        afterKill.size(),
        failed);
    // The writes in flight on the dead leader fail at the kill, long before the new key; a write
    // that fails after it met the new leader (or waited for it and was given up).
    assertThat(failed)
        .as("writes that failed once the new leader key was there")
        .noneMatch(a -> a.endNanos() - newLeaderAt > 0);

    Set<String> stored = new HashSet<>();
    try (Connection c = cluster.node(newLeader).connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select k from probe")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    assertThat(stored).containsAll(acknowledged);
  }
}
