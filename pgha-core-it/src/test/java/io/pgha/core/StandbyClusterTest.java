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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A standby cluster, as Patroni's {@code standby_cluster} makes one: two pgha clusters on one etcd
 * (two scopes), the second following the first's primary with a {@code recovery_min_apply_delay} (a
 * delayed cluster). Its leader is a standby leader, its other member cascades from it, a killed
 * standby leader is replaced by the other member, and removing the section from the {@code config}
 * key ({@code PATCH /config}) promotes it. The scenarios run in order on the same clusters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbyClusterTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  /** The standby leader's archive_cleanup_command (it only runs at restartpoints: harmless). */
  private static final String CLEANUP = "true cleanup %r";

  /** The standby cluster replays each commit this long after it was made. */
  private static final Duration DELAY = Duration.ofSeconds(3);

  private static LocalPghaCluster primaryCluster;
  private static LocalPghaCluster standbyCluster;
  private static Node primary;

  @BeforeAll
  static void startClusters() throws SQLException {
    primaryCluster = new LocalPghaCluster(1, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    primaryCluster.startAll();
    primary = primaryCluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id int PRIMARY KEY, written text)");
    primary.execute("INSERT INTO t VALUES (1, 'before the standby cluster')");

    standbyCluster = new LocalPghaCluster(2, primaryCluster);
    Map<String, Object> section =
        Map.of(
            "host",
            "127.0.0.1",
            "port",
            primary.pgPort,
            "recovery_min_apply_delay",
            DELAY.toSeconds() + "s",
            "archive_cleanup_command",
            CLEANUP);
    for (Node node : standbyCluster.nodes()) {
      node.configure(b -> b.standbyCluster(section));
    }
    standbyCluster.startAll();
  }

  @AfterAll
  static void stopClusters() {
    if (standbyCluster != null) {
      standbyCluster.close();
    }
    if (primaryCluster != null) {
      primaryCluster.close();
    }
  }

  @Test
  @Order(1)
  void theStandbyLeaderFollowsThePrimaryClusterAndItsMemberCascadesFromIt() throws Exception {
    Node leader = awaitStandbyLeader(CONVERGE);
    Node member = standbyCluster.othersThan(leader).get(0);

    await().atMost(CONVERGE).until(() -> ids(leader).contains(1) && ids(member).contains(1));
    await().atMost(CONVERGE).until(() -> senderPort(leader).equals(Optional.of(primary.pgPort)));
    await().atMost(CONVERGE).until(() -> senderPort(member).equals(Optional.of(leader.pgPort)));

    try (ClusterKeys keys = new ClusterKeys(standbyCluster)) {
      assertThat(keys.value("leader")).contains(leader.name);
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  keys.value("members/" + leader.name)
                      .filter(v -> v.contains("\"role\":\"standby_leader\""))
                      .isPresent());
      assertThat(keys.value("members/" + member.name))
          .hasValueSatisfying(v -> assertThat(v).contains("\"role\":\"replica\""));
      assertThat(keys.value("config"))
          .hasValueSatisfying(v -> assertThat(v).contains("standby_cluster"));
    }
    assertThat(leader.api("GET", "/patroni", null).body()).contains("standby_leader");
    assertThat(leader.apiStatus("/standby_leader")).isEqualTo(200);
    assertThat(leader.apiStatus("/primary")).isEqualTo(503);
    assertThat(member.apiStatus("/standby-leader")).isEqualTo(503);
    await().atMost(CONVERGE).until(() -> member.apiStatus("/replica") == 200);
    assertThat(standbyCluster.writablePrimaries()).isEmpty();
    assertThat(primaryCluster.writablePrimaries()).containsExactly(primary);
    // The section's archive_cleanup_command is the standby leader's, as in Patroni, not its
    // cascaded replica's.
    assertThat(setting(leader, "archive_cleanup_command")).isEqualTo(CLEANUP);
    assertThat(setting(member, "archive_cleanup_command")).isEmpty();
  }

  @Test
  @Order(2)
  void aCommitIsReplayedOnTheStandbyClusterOnlyAfterTheDelay() throws Exception {
    Node leader = awaitStandbyLeader(CONVERGE);
    Node member = standbyCluster.othersThan(leader).get(0);
    primary.execute("INSERT INTO t VALUES (2, 'delayed')");
    long committed = System.nanoTime();

    long[] seen = firstSeen(2, leader, member);
    long seenOnLeader = seen[0];
    long seenOnMember = seen[1];

    // Both members apply the delay (the standby leader's successor keeps it too).
    assertThat(Duration.ofNanos(seenOnLeader - committed)).isGreaterThan(DELAY.minusMillis(500));
    assertThat(Duration.ofNanos(seenOnMember - committed)).isGreaterThan(DELAY.minusMillis(500));
    assertThat(setting(leader, "recovery_min_apply_delay")).isEqualTo("3s");
    assertThat(setting(member, "recovery_min_apply_delay")).isEqualTo("3s");
  }

  @Test
  @Order(3)
  void whenTheStandbyLeaderDiesTheOtherMemberLeadsTheStandbyClusterAndKeepsFollowing()
      throws Exception {
    Node old = awaitStandbyLeader(CONVERGE);
    Node next = standbyCluster.othersThan(old).get(0);

    old.killHost();

    await().atMost(CONVERGE).until(() -> next.apiStatus("/standby-leader") == 200);
    try (ClusterKeys keys = new ClusterKeys(standbyCluster)) {
      assertThat(keys.value("leader")).contains(next.name);
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  keys.value("members/" + next.name)
                      .filter(v -> v.contains("\"role\":\"standby_leader\""))
                      .isPresent());
    }
    await().atMost(CONVERGE).until(() -> senderPort(next).equals(Optional.of(primary.pgPort)));
    primary.execute("INSERT INTO t VALUES (3, 'after the standby leader died')");
    await().atMost(CONVERGE).until(() -> ids(next).contains(3));
    assertThat(next.isReplica()).isTrue();
    assertThat(setting(next, "archive_cleanup_command")).isEqualTo(CLEANUP);
    assertThat(standbyCluster.writablePrimaries()).isEmpty();
  }

  @Test
  @Order(4)
  void removingTheSectionFromTheConfigKeyPromotesTheStandbyLeader() throws Exception {
    Node leader = awaitStandbyLeader(CONVERGE);

    LocalPghaCluster.ApiResponse patch =
        leader.api("PATCH", "/config", "{\"standby_cluster\": null}");
    assertThat(patch.status()).isEqualTo(200);

    await().atMost(CONVERGE).until(leader::isWritablePrimary);
    leader.execute("INSERT INTO t VALUES (100, 'written on the promoted standby cluster')");
    assertThat(ids(leader)).contains(1, 2, 3, 100);
    await().atMost(CONVERGE).until(() -> leader.apiStatus("/primary") == 200);
    try (ClusterKeys keys = new ClusterKeys(standbyCluster)) {
      assertThat(keys.value("leader")).contains(leader.name);
      assertThat(keys.value("config"))
          .hasValueSatisfying(v -> assertThat(v).doesNotContain("\"standby_cluster\":{"));
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  keys.value("members/" + leader.name)
                      .filter(v -> !v.contains("standby_leader"))
                      .filter(
                          v ->
                              v.contains("\"role\":\"master\"")
                                  || v.contains("\"role\":\"primary\""))
                      .isPresent());
    }
    // The primary cluster goes on as before, without the promoted cluster's row.
    assertThat(primaryCluster.writablePrimaries()).containsExactly(primary);
    assertThat(ids(primary)).doesNotContain(100);
  }

  private static Node awaitStandbyLeader(Duration timeout) {
    List<Node> found = new ArrayList<>();
    await()
        .atMost(timeout)
        .until(
            () -> {
              found.clear();
              standbyCluster.nodes().stream()
                  .filter(Node::isRunning)
                  .filter(n -> n.apiStatus("/standby-leader") == 200)
                  .forEach(found::add);
              return found.size() == 1;
            });
    return found.get(0);
  }

  /** When (System.nanoTime) row {@code id} was first seen on each of {@code nodes}. */
  private static long[] firstSeen(int id, Node... nodes) {
    long[] seen = new long[nodes.length];
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              for (int i = 0; i < nodes.length; i++) {
                if (seen[i] == 0 && ids(nodes[i]).contains(id)) {
                  seen[i] = System.nanoTime();
                }
              }
              return java.util.Arrays.stream(seen).allMatch(t -> t != 0);
            });
    return seen;
  }

  private static List<Integer> ids(Node node) {
    List<Integer> ids = new ArrayList<>();
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    } catch (SQLException e) {
      // not there yet
    }
    return ids;
  }

  /** The port the node's WAL receiver streams from, when it streams. */
  private static Optional<Integer> senderPort(Node node) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming'")) {
      return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private static String setting(Node node, String name) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
