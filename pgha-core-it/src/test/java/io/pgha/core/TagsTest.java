package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.patroni.SyncState;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.Testkit;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Patroni's member tags and permanent slots on a real 4-member cluster (real etcd and PostgreSQL),
 * the scenarios in order on one cluster:
 *
 * <ul>
 *   <li>{@code pg1}: tagged {@code nosync}; bootstraps the cluster and leads first;
 *   <li>{@code pg2}: {@code failover_priority: 2};
 *   <li>{@code pg3}: {@code replicatefrom: pg2} (default priority 1);
 *   <li>{@code pg4}: {@code nostream}, {@code failover_priority: 0}: it replays the WAL archive.
 * </ul>
 *
 * Every member archives to one directory and restores from it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TagsTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static LocalPghaCluster cluster;
  private static ClusterKeys keys;
  private static Node pg1;
  private static Node pg2;
  private static Node pg3;
  private static Node pg4;

  @BeforeAll
  static void startCluster() throws SQLException {
    Path archive =
        OsUser.forPostgres().createOwnedDirectory(Testkit.newWorkDir("archive").resolve("wal"));
    cluster = new LocalPghaCluster(4, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    keys = new ClusterKeys(cluster);
    for (Node node : cluster.nodes()) {
      node.configure(
          b ->
              b.postgres(
                  pg ->
                      pg.parameter("wal_level", "logical")
                          .parameter("archive_mode", "on")
                          .parameter(
                              "archive_command",
                              "test ! -f " + archive + "/%f && cp %p " + archive + "/%f")
                          .parameter("restore_command", "cp " + archive + "/%f %p")));
    }
    pg1 = cluster.node("pg1").tag("nosync", "true");
    pg2 = cluster.node("pg2").tag("failover_priority", "2");
    pg3 = cluster.node("pg3").tag("replicatefrom", "pg2");
    pg4 = cluster.node("pg4").tag("nostream", "true").tag("failover_priority", "0");
    pg1.start();
    await().atMost(CONVERGE).until(pg1::isWritablePrimary);
    pg1.execute("CREATE TABLE t (id bigint PRIMARY KEY)");
    pg2.start();
    pg3.start();
    pg4.start();
    await().atMost(CONVERGE).until(() -> pg2.isStreamingReplica() && pg4.isReplica());
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
  void aCascadedReplicaStreamsFromItsUpstreamThroughASlotThere() {
    await().atMost(CONVERGE).until(() -> streamingTo(pg2).contains("pg3"));
    await().atMost(CONVERGE).until(() -> physicalSlots(pg2).contains("pg3"));
    assertThat(streamingTo(pg1)).doesNotContain("pg3");
    // pg_basebackup made a slot for pg3 on the leader it cloned from: unused, it goes in 2 ttl.
    await().atMost(CONVERGE).until(() -> !physicalSlots(pg1).contains("pg3"));
    assertThat(physicalSlots(pg1)).contains("pg2");
    assertThat(pg3.isStreamingReplica()).isTrue();
  }

  @Test
  @Order(2)
  void aNostreamReplicaReplaysTheArchiveAndHasNoSlot() throws SQLException {
    pg1.execute("INSERT INTO t VALUES (1)");
    pg1.execute("SELECT pg_switch_wal()");
    await().atMost(CONVERGE).until(() -> ids(pg4).contains(1L));

    assertThat(pg4.isReplica()).isTrue();
    assertThat(pg4.isStreamingReplica()).isFalse();
    assertThat(query(pg4, "SELECT count(*) FROM pg_stat_wal_receiver")).containsExactly("0");
    assertThat(query(pg4, "SHOW primary_conninfo")).containsExactly("");
    assertThat(streamingTo(pg1)).doesNotContain("pg4");
    assertThat(physicalSlots(pg1)).doesNotContain("pg4");
  }

  @Test
  @Order(3)
  void permanentSlotsAreMadeOnTheLeaderAndIgnoredSlotsAreNotDropped() throws Exception {
    pg1.execute("SELECT pg_create_physical_replication_slot('keep_me')");
    pg1.execute("SELECT pg_create_physical_replication_slot('drop_me')");
    var r =
        pg1.api(
            "PATCH",
            "/config",
            "{\"slots\": {\"perm_1\": {\"type\": \"physical\"}, \"test_logical\":"
                + " {\"type\": \"logical\", \"database\": \"postgres\", \"plugin\":"
                + " \"test_decoding\"}}, \"ignore_slots\": [{\"name\": \"keep_me\"}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    await().atMost(CONVERGE).until(() -> physicalSlots(pg1).contains("perm_1"));
    await().atMost(CONVERGE).until(() -> logicalSlots(pg1).contains("test_logical"));
    // Neither permanent nor ignored nor a member's: dropped once unused for two ttl.
    await().atMost(CONVERGE).until(() -> !physicalSlots(pg1).contains("drop_me"));
    assertThat(physicalSlots(pg1)).contains("keep_me", "perm_1");
    assertThat(
            query(
                pg1,
                "SELECT restart_lsn IS NOT NULL FROM pg_replication_slots"
                    + " WHERE slot_name = 'perm_1'"))
        .containsExactly("t");
    assertThat(pg1.api("GET", "/config", null).body()).contains("perm_1", "keep_me");
    // As Patroni, the leader writes the permanent slots' positions to the status key.
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                keys.value("status")
                    .filter(v -> v.contains("\"perm_1\"") && v.contains("\"test_logical\""))
                    .isPresent());
  }

  @Test
  @Order(4)
  void theCascadedReplicaFallsBackToTheLeaderWhenItsUpstreamDies() throws Exception {
    pg2.killHost();
    await().atMost(CONVERGE).until(() -> streamingTo(pg1).contains("pg3"));
    assertThat(physicalSlots(pg1)).contains("pg3");

    pg2.start();
    await().atMost(CONVERGE).until(() -> streamingTo(pg2).contains("pg3"));
    await().atMost(CONVERGE).until(() -> streamingTo(pg1).contains("pg2"));
    assertThat(physicalSlots(pg2)).contains("pg3");
  }

  @Test
  @Order(5)
  void afterTheLeadersHostFailsTheHigherFailoverPriorityIsPromotedAndKeepsThePermanentSlot()
      throws Exception {
    await().atMost(CONVERGE).until(() -> streamingTo(pg2).contains("pg3"));
    pg1.killHost();

    Node next = cluster.awaitNewPrimary(pg1, CONVERGE);
    assertThat(next).isSameAs(pg2);
    await().atMost(CONVERGE).until(() -> physicalSlots(pg2).contains("perm_1"));
    await().atMost(CONVERGE).until(() -> logicalSlots(pg2).contains("test_logical"));
    // pg3 now streams from the leader it names, pg4 replays the new timeline's archive.
    await().atMost(CONVERGE).until(() -> streamingTo(pg2).contains("pg3"));
    pg2.execute("INSERT INTO t VALUES (2)");
    pg2.execute("SELECT pg_switch_wal()");
    await().atMost(CONVERGE).until(() -> ids(pg4).contains(2L));
    assertThat(pg3.isReplica()).isTrue();
    assertThat(pg4.isReplica()).isTrue();
    assertThat(physicalSlots(pg2)).doesNotContain("pg4");
  }

  @Test
  @Order(6)
  void aNosyncMemberIsNeverASynchronousStandby() throws Exception {
    pg1.start();
    await().atMost(CONVERGE).until(() -> streamingTo(pg2).containsAll(List.of("pg1", "pg3")));
    var r = pg2.api("PATCH", "/config", "{\"synchronous_mode\": true}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    await()
        .atMost(CONVERGE)
        .until(
            () ->
                keys.sync().map(SyncState::syncStandbys).orElse(List.of()).equals(List.of("pg3")));
    List<String> seen = new ArrayList<>();
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() - until < 0) {
      keys.sync().ifPresent(s -> seen.addAll(s.syncStandbys()));
      seen.addAll(query(pg2, "SHOW synchronous_standby_names"));
      Thread.sleep(200);
    }
    assertThat(seen).isNotEmpty().noneMatch(s -> s.contains("pg1"));
    assertThat(
            query(pg2, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pg1'"))
        .containsExactly("async");
  }

  private static Set<String> streamingTo(Node node) {
    return new TreeSet<>(
        query(node, "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"));
  }

  private static Set<String> physicalSlots(Node node) {
    return new TreeSet<>(
        query(node, "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical'"));
  }

  private static Set<String> logicalSlots(Node node) {
    return new TreeSet<>(
        query(
            node,
            "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'logical'"
                + " AND plugin = 'test_decoding' AND database = 'postgres'"));
  }

  private static Set<Long> ids(Node node) {
    Set<Long> ids = new TreeSet<>();
    query(node, "SELECT id FROM t").forEach(id -> ids.add(Long.parseLong(id)));
    return ids;
  }

  private static List<String> query(Node node, String sql) {
    return NodeQueries.firstColumn(node, sql);
  }
}
