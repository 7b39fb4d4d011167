package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HA agent on a real 3-node cluster (real etcd, real PostgreSQL, agents embedded in this JVM):
 * bootstrap, replication, host failure, the old primary's return, PostgreSQL crash, replica failure
 * and clean hand-over. The scenarios run in order on one cluster; each starts from a healthy
 * cluster with one leader and two streaming replicas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PghaAgentFailoverTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static LocalPghaCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    cluster.startAll();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void bootstrapsOnePrimaryAndTwoStreamingReplicas() throws SQLException {
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id int PRIMARY KEY, written_on text)");
    primary.execute("INSERT INTO t VALUES (1, 'bootstrap')");

    for (Node replica : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(() -> ids(replica).contains(1));
    }
    assertThat(cluster.writablePrimaries()).containsExactly(primary);
  }

  @Test
  @Order(2)
  void httpHealthChecksTellTheLeaderFromTheReplicas() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    // What HAProxy asks (Patroni's API): the leader answers /primary, replicas /replica.
    await().atMost(CONVERGE).until(() -> primary.apiStatus("/primary") == 200);
    assertThat(primary.apiStatus("/replica")).isEqualTo(503);
    for (Node replica : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(() -> replica.apiStatus("/replica") == 200);
      assertThat(replica.apiStatus("/primary")).isEqualTo(503);
      assertThat(replica.apiStatus("/health")).isEqualTo(200);
    }
  }

  @Test
  @Order(3)
  void hostFailureOfThePrimaryPromotesAReplicaWithEveryRow() throws SQLException {
    Node old = cluster.awaitHealthy(CONVERGE);
    old.execute("INSERT INTO t VALUES (2, 'before host failure')");
    for (Node replica : cluster.othersThan(old)) {
      await().atMost(CONVERGE).until(() -> ids(replica).contains(2));
    }

    old.killHost();

    AtomicReference<Node> next = new AtomicReference<>();
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              next.set(cluster.writablePrimary().orElse(null));
              return next.get() != null && next.get() != old;
            });
    assertThat(ids(next.get())).contains(1, 2);
    await().atMost(CONVERGE).until(() -> next.get().apiStatus("/primary") == 200);
    next.get().execute("INSERT INTO t VALUES (3, 'after host failure')");

    // The old primary comes back: it must rejoin as a replica of the new one, never as a primary.
    old.start();
    await().atMost(CONVERGE).until(old::isStreamingReplica);
    await().atMost(CONVERGE).until(() -> ids(old).contains(3));
    assertThat(cluster.writablePrimaries()).containsExactly(next.get());
  }

  @Test
  @Order(4)
  void postgresCrashUnderALiveAgentIsRestartedInPlace() throws SQLException {
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.killPostmaster();

    await().atMost(CONVERGE).until(() -> cluster.writablePrimary().isPresent());
    assertThat(cluster.writablePrimary()).contains(primary);
    primary.execute("INSERT INTO t VALUES (4, 'after crash')");
    for (Node replica : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(() -> ids(replica).contains(4));
    }
  }

  @Test
  @Order(5)
  void replicaFailureChangesNothingAndTheReplicaCatchesUp() throws SQLException {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node replica = cluster.othersThan(primary).get(0);
    replica.killHost();

    primary.execute("INSERT INTO t VALUES (5, 'while a replica is down')");
    assertThat(cluster.writablePrimaries()).containsExactly(primary);

    replica.start();
    await().atMost(CONVERGE).until(replica::isStreamingReplica);
    await().atMost(CONVERGE).until(() -> ids(replica).contains(5));
    assertThat(cluster.writablePrimaries()).containsExactly(primary);
  }

  @Test
  @Order(6)
  void cleanStopOfTheLeaderHandsOverWithoutWaitingForTheLease() throws SQLException {
    Node old = cluster.awaitHealthy(CONVERGE);
    old.execute("INSERT INTO t VALUES (6, 'before clean stop')");

    long stopped = System.nanoTime();
    old.stop();
    AtomicReference<Node> next = new AtomicReference<>();
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              next.set(cluster.writablePrimary().orElse(null));
              return next.get() != null;
            });
    long promotedAfter = System.nanoTime() - stopped;

    // Released, not expired: the old lease (ttl) cannot have run out before the promotion.
    assertThat(Duration.ofNanos(promotedAfter)).isLessThan(TTL);
    assertThat(ids(next.get())).contains(6);

    old.start();
    await().atMost(CONVERGE).until(old::isStreamingReplica);
  }

  @Test
  @Order(7)
  void switchoverRequestedOverTheApiMovesLeadershipToTheCandidate() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    Node candidate = cluster.othersThan(old).get(0);
    old.execute("INSERT INTO t VALUES (7, 'before switchover')");

    int status =
        old.apiPost(
            "/switchover",
            "{\"leader\": \"" + old.name + "\", \"candidate\": \"" + candidate.name + "\"}");

    assertThat(status).isEqualTo(200);
    await().atMost(CONVERGE).until(candidate::isWritablePrimary);
    assertThat(ids(candidate)).contains(7);
    await().atMost(CONVERGE).until(old::isStreamingReplica);
    assertThat(cluster.writablePrimaries()).containsExactly(candidate);
  }

  // ------------------------------------------------------------------ helpers

  private static List<Integer> ids(Node node) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
      List<Integer> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
      return ids;
    } catch (SQLException e) {
      return List.of();
    }
  }
}
