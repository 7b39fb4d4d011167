package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A permanent logical slot survives a failover with its consumer's position, as with Patroni 3
 * (real etcd and PostgreSQL, 2 members): the replica copies the leader's slot and moves its copy
 * forward as the consumer reads, so that after the leader's host dies the consumer goes on on the
 * new primary from where it was, neither losing the changes it had not read nor reading again those
 * it had.
 */
class LogicalSlotFailoverTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String SLOT = "test_logical";

  private static LocalPghaCluster cluster;
  private static Node pg1;
  private static Node pg2;

  @BeforeAll
  static void startCluster() {
    cluster = new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    for (Node node : cluster.nodes()) {
      // What Patroni requires of the members that keep copies of logical slots.
      node.configure(
          b ->
              b.postgres(
                  pg ->
                      pg.parameter("wal_level", "logical")
                          .parameter("hot_standby_feedback", "on")));
    }
    pg1 = cluster.node("pg1");
    pg2 = cluster.node("pg2");
    pg1.start();
    await().atMost(CONVERGE).until(pg1::isWritablePrimary);
    pg2.start();
    await().atMost(CONVERGE).until(pg2::isStreamingReplica);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aLogicalConsumerGoesOnOnTheNewPrimaryFromWhereItWas() throws Exception {
    var r =
        pg1.api(
            "PATCH",
            "/config",
            "{\"slots\": {\""
                + SLOT
                + "\": {\"type\": \"logical\", \"database\": \"postgres\", \"plugin\":"
                + " \"test_decoding\"}}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    await().atMost(CONVERGE).until(() -> !query(pg1, confirmed()).isEmpty());
    pg1.execute("CREATE TABLE t (id bigint PRIMARY KEY)");
    pg1.execute("INSERT INTO t VALUES (1)");

    // The consumer reads every change so far on the leader.
    List<String> read = changes(pg1);
    assertThat(read).anyMatch(c -> c.contains("id[bigint]:1"));
    String consumed = query(pg1, confirmed()).get(0);
    // The replica's copy follows it.
    await().atMost(CONVERGE).until(() -> atOrBeyond(pg2, query(pg2, confirmed()), consumed));

    // Written, replicated, not read yet when the leader's host dies.
    pg1.execute("INSERT INTO t VALUES (2)");
    await().atMost(CONVERGE).until(() -> query(pg2, "SELECT id FROM t").contains("2"));
    pg1.killHost();

    Node next = cluster.awaitNewPrimary(pg1, CONVERGE);
    assertThat(next).isSameAs(pg2);
    assertThat(query(pg2, confirmed())).hasSize(1);
    assertThat(atOrBeyond(pg2, query(pg2, confirmed()), consumed)).isTrue();
    // Read again until the new primary answers (a read that fails consumes nothing).
    List<String> after = await().atMost(CONVERGE).until(() -> changes(pg2), c -> !c.isEmpty());
    assertThat(after).anyMatch(c -> c.contains("id[bigint]:2"));
    assertThat(after).noneMatch(c -> c.contains("id[bigint]:1"));
  }

  private static String confirmed() {
    return "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
        + SLOT
        + "' AND slot_type = 'logical' AND confirmed_flush_lsn IS NOT NULL";
  }

  /** Whether {@code positions} holds one position at or beyond {@code lsn} (on {@code node}). */
  private static boolean atOrBeyond(Node node, List<String> positions, String lsn) {
    return positions.size() == 1
        && query(node, "SELECT '" + positions.get(0) + "'::pg_lsn >= '" + lsn + "'::pg_lsn")
            .equals(List.of("t"));
  }

  /** What the consumer reads from the slot (and confirms). */
  private static List<String> changes(Node node) {
    return query(node, "SELECT data FROM pg_logical_slot_get_changes('" + SLOT + "', NULL, NULL)");
  }

  private static List<String> query(Node node, String sql) {
    return NodeQueries.firstColumn(node, sql);
  }
}
