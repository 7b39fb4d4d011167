package io.pgha.core;

import static io.pgha.core.ClusterKeys.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.SyncState;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A primary whose host hangs (agent JVM, postmaster and backends stopped: sockets open, nothing
 * answers) rather than dies. The kernel resets no connection, so the survivors must give up on it
 * by their own timeouts: once the new leader key appears, the remaining replica streams from the
 * new leader within a few seconds, and in synchronous mode the new leader has a synchronous standby
 * again. The scenarios run in order on one cluster of agents in JVMs of their own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrozenPrimaryTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  /** From the new leader key to the remaining replica streaming from it ("a few seconds"). */
  private static final Duration REPOINT_BOUND = Duration.ofSeconds(6);

  /**
   * From the freeze of the synchronous standby to a waiting commit completing: the walsender's
   * timeout (retry_timeout, 3 s) and a cycle, well before the standby's member key expires (ttl).
   */
  private static final Duration COMMIT_BOUND = Duration.ofSeconds(8);

  private static LocalPghaCluster cluster;
  private static ClusterKeys keys;

  @BeforeAll
  static void startCluster() {
    cluster =
        new LocalPghaCluster(3, TTL, Duration.ofSeconds(2), Duration.ofSeconds(3))
            .agentsInOwnJvm(true);
    keys = new ClusterKeys(cluster);
    cluster.startAll();
  }

  @AfterAll
  static void stopCluster() {
    if (keys != null) {
      keys.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void replicaOfAFrozenPrimaryStreamsFromTheNewLeaderWithinSeconds() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    old.execute("CREATE TABLE t (id bigint PRIMARY KEY)");
    old.execute("INSERT INTO t VALUES (1)");
    List<Node> survivors = cluster.othersThan(old);

    old.freezeHost();
    try {
      Node leader = awaitLeaderKeyAmong(survivors);
      long keyAt = System.nanoTime();
      Node replica = otherThan(survivors, leader);
      assertThat(
              within(REPOINT_BOUND, () -> "streaming".equals(walSenderState(leader, replica.name))))
          .as(
              "%s streams from the new leader %s within %s after its leader key appeared",
              replica.name, leader.name, REPOINT_BOUND)
          .isTrue();
      long streamingAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - keyAt);
      System.out.printf(
          "frozen primary, async: %s streams from %s %d ms after the leader key%n",
          replica.name, leader.name, streamingAfterMillis);
      leader.execute("INSERT INTO t VALUES (2)");
    } finally {
      old.thaw();
    }
    cluster.awaitHealthy(CONVERGE);
  }

  @Test
  @Order(2)
  void newLeaderAfterAFrozenSynchronousPrimaryHasASynchronousStandbyAgain() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    assertThat(old.api("PATCH", "/config", "{\"synchronous_mode\": true}").status()).isEqualTo(200);
    // The sync key must name the standby: only a member it names may be promoted.
    assertThat(within(CONVERGE, () -> hasSyncStandby(old) && syncKeyNamesAStandbyOf(old))).isTrue();
    List<Node> survivors = cluster.othersThan(old);

    old.freezeHost();
    try {
      Node leader = awaitLeaderKeyAmong(survivors);
      long keyAt = System.nanoTime();
      assertThat(within(REPOINT_BOUND, () -> hasSyncStandby(leader)))
          .as(
              "the new leader %s has a synchronous standby within %s after its leader key appeared",
              leader.name, REPOINT_BOUND)
          .isTrue();
      System.out.printf(
          "frozen primary, sync: %s has a synchronous standby %d ms after the leader key%n",
          leader.name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - keyAt));
      // A commit waits for that standby and gets it.
      leader.execute("INSERT INTO t VALUES (3)");
    } finally {
      old.thaw();
    }
    cluster.awaitHealthy(CONVERGE);
  }

  @Test
  @Order(3)
  void commitsGoOnSoonAfterTheSynchronousStandbyFreezes() throws Exception {
    Node leader = cluster.awaitHealthy(CONVERGE);
    assertThat(leader.api("PATCH", "/config", "{\"synchronous_mode\": true}").status())
        .isEqualTo(200);
    assertThat(within(CONVERGE, () -> hasSyncStandby(leader) && syncKeyNamesAStandbyOf(leader)))
        .isTrue();
    leader.execute("CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY)");
    Node standby = cluster.node(keys.sync().orElseThrow().syncStandbys().get(0));

    standby.freezeHost();
    long frozenAt = System.nanoTime();
    try (Connection c = patientConnection(leader)) {
      // The commit waits for the frozen standby until the leader lets go of it (its walsender
      // times out) and names the other replica; a lease later its member key would expire.
      CompletableFuture<Long> committed =
          CompletableFuture.supplyAsync(
              () -> {
                try (Statement st = c.createStatement()) {
                  st.executeUpdate("INSERT INTO t VALUES (4)");
                  return System.nanoTime();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      long at = committed.get(TTL.toSeconds() + 20, TimeUnit.SECONDS);
      long afterMillis = TimeUnit.NANOSECONDS.toMillis(at - frozenAt);
      System.out.printf(
          "frozen synchronous standby: a commit on %s completed %d ms after the freeze%n",
          leader.name, afterMillis);
      assertThat(afterMillis)
          .as(
              "a commit on %s completes within a lease after its synchronous standby froze",
              leader.name)
          .isLessThan(COMMIT_BOUND.toMillis());
    } finally {
      standby.thaw();
    }
    cluster.awaitHealthy(CONVERGE);
  }

  /** A superuser connection whose reads may wait longer than a commit can. */
  private static Connection patientConnection(Node node) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", LocalPghaCluster.superuserPassword());
    p.setProperty("connectTimeout", "2");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + node.pgPort + "/postgres", p);
  }

  /** Waits (bounded by a lease and a convergence) until the leader key names one of {@code in}. */
  private static Node awaitLeaderKeyAmong(List<Node> in) {
    Node[] found = new Node[1];
    boolean done =
        within(
            TTL.multipliedBy(3),
            () -> {
              Optional<String> name = leaderKey();
              found[0] =
                  in.stream()
                      .filter(n -> name.equals(Optional.of(n.name)))
                      .findFirst()
                      .orElse(null);
              return found[0] != null;
            });
    assertThat(done).as("a leader key naming one of %s", in).isTrue();
    return found[0];
  }

  private static Optional<String> leaderKey() {
    return keys.value("leader");
  }

  private static boolean syncKeyNamesAStandbyOf(Node leader) {
    Optional<SyncState> sync = keys.sync();
    return sync.isPresent()
        && sync.get().leader().equals(Optional.of(leader.name))
        && !sync.get().syncStandbys().isEmpty();
  }

  private static Node otherThan(List<Node> nodes, Node node) {
    return nodes.stream().filter(n -> n != node).findFirst().orElseThrow();
  }

  private static String walSenderState(Node primary, String standby) {
    return pgStatReplication(primary, standby, "state");
  }

  private static boolean hasSyncStandby(Node primary) {
    try (Connection c = primary.connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_replication"
                    + " WHERE sync_state = 'sync' AND state = 'streaming'");
        ResultSet rs = p.executeQuery()) {
      return rs.next() && rs.getInt(1) > 0;
    } catch (SQLException e) {
      return false;
    }
  }

  private static String pgStatReplication(Node primary, String standby, String column) {
    try (Connection c = primary.connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT " + column + " FROM pg_stat_replication WHERE application_name = ?")) {
      p.setString(1, standby);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : "not connected";
      }
    } catch (SQLException e) {
      return "unreachable";
    }
  }
}
