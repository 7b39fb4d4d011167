package io.pgha.core;

import static io.pgha.core.SyncProbes.apiBody;
import static io.pgha.core.SyncProbes.connect;
import static io.pgha.core.SyncProbes.ids;
import static io.pgha.core.SyncProbes.patchConfig;
import static io.pgha.core.SyncProbes.setting;
import static io.pgha.core.SyncProbes.syncStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.patroni.SyncState;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Quorum commit ({@code synchronous_mode: quorum}, {@code synchronous_node_count} 1) on a real
 * 3-member cluster: {@code ANY 1} of both replicas, the {@code sync} key's voters and quorum,
 * Patroni's {@code /quorum} answers; a replica promotes only once the other voter proves it holds
 * every acknowledged commit, and no acknowledged commit is lost when the primary is killed or
 * frozen. The scenarios run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumCommitTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(180);

  private static LocalPghaCluster cluster;
  private static ClusterKeys keys;
  private static final AtomicLong IDS = new AtomicLong();
  private static final ExecutorService CLIENTS = Executors.newCachedThreadPool();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster =
        new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))
            .agentsInOwnJvm(true);
    keys = new ClusterKeys(cluster);
    cluster.startAll();
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id bigint PRIMARY KEY)");
    assertThat(patchConfig(primary, "{\"synchronous_mode\": \"quorum\"}")).isEqualTo(200);
  }

  @AfterAll
  static void stopCluster() {
    CLIENTS.shutdownNow();
    if (keys != null) {
      keys.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void anyOneOfBothReplicasAndTheKeysQuorum() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    List<String> replicas = cluster.othersThan(primary).stream().map(n -> n.name).sorted().toList();
    awaitSteadyQuorum(primary);

    assertThat(setting(primary, "synchronous_standby_names"))
        .isEqualTo("ANY 1 (\"" + replicas.get(0) + "\",\"" + replicas.get(1) + "\")");
    SyncState sync = keys.sync().orElseThrow();
    assertThat(sync.leader()).contains(primary.name);
    assertThat(sync.syncStandbys()).containsExactlyElementsOf(replicas);
    assertThat(sync.quorum()).isEqualTo(OptionalInt.of(1));
    for (Node replica : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(() -> syncStateOf(primary, replica.name).equals("quorum"));
      // Patroni's answers for a quorum standby.
      await().atMost(CONVERGE).until(() -> replica.apiStatus("/quorum") == 200);
      assertThat(replica.apiStatus("/read-only-quorum")).isEqualTo(200);
      assertThat(replica.apiStatus("/sync")).isEqualTo(503);
      assertThat(replica.apiStatus("/async")).isEqualTo(503);
    }
    assertThat(primary.apiStatus("/quorum")).isEqualTo(503);
    assertThat(primary.apiStatus("/read-only-quorum")).isEqualTo(200);
    assertThat(apiBody(primary, "/cluster")).contains("\"role\":\"quorum_standby\"");

    long id = IDS.incrementAndGet();
    insert(primary, id);
    assertThat(ids(primary)).contains(id);
  }

  @Test
  @Order(2)
  void withTheLeaderAndOneVoterDownTheOtherVoterDoesNotPromoteUntilItCanProve() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    awaitSteadyQuorum(old);
    List<Node> replicas = cluster.othersThan(old);
    Node survivor = replicas.get(0);
    Node down = replicas.get(1);
    ConcurrentLinkedQueue<Long> acknowledged = writeUntilFailure(old);

    // The leader first: alive, it would drop the dead voter from the key (and the key would then
    // promise nothing, leaving the old leader as the only possible candidate).
    old.killHost();
    down.killHost();

    // Each commit is on one of the two voters: the survivor alone cannot tell whether it has them
    // all, so it must not promote, however long the key stays free. Two ttl: the dead leader's
    // lease has expired for a whole ttl, a dozen cycles in which the survivor would race.
    boolean promoted =
        ClusterKeys.within(TTL.multipliedBy(2), () -> !cluster.writablePrimaries().isEmpty());
    assertThat(promoted).as("a voter promoted without the quorum's proof").isFalse();
    assertThat(survivor.isReplica()).isTrue();

    down.start();
    Node next = cluster.awaitNewPrimary(old, CONVERGE);
    assertThat(next).isIn(survivor, down);
    assertNoneLost(next, acknowledged);
    old.start();
    cluster.awaitHealthy(CONVERGE);
  }

  @Test
  @Order(3)
  void hostFailureOfThePrimaryUnderLoadLosesNoAcknowledgedCommit() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    awaitSteadyQuorum(old);
    ConcurrentLinkedQueue<Long> acknowledged = writeUntilFailure(old);

    long killed = System.nanoTime();
    old.killHost();
    Node next = cluster.awaitNewPrimary(old, CONVERGE);
    System.out.printf(
        "quorum failover (kill): %d commits acknowledged, new primary writable %.1f s after the"
            + " kill (ttl %d s)%n",
        acknowledged.size(), (System.nanoTime() - killed) / 1e9, TTL.toSeconds());
    assertNoneLost(next, acknowledged);
    old.start();
    cluster.awaitHealthy(CONVERGE);
  }

  @Test
  @Order(4)
  void aFrozenPrimaryUnderLoadLosesNoAcknowledgedCommit() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    awaitSteadyQuorum(old);
    ConcurrentLinkedQueue<Long> acknowledged = writeUntilFailure(old);

    long frozen = System.nanoTime();
    old.freezeHost();
    Node next;
    try {
      next = cluster.awaitNewPrimary(old, CONVERGE);
      System.out.printf(
          "quorum failover (freeze): %d commits acknowledged, new primary writable %.1f s after"
              + " the freeze (ttl %d s)%n",
          acknowledged.size(), (System.nanoTime() - frozen) / 1e9, TTL.toSeconds());
    } finally {
      old.thaw();
    }
    assertNoneLost(next, acknowledged);
    // The old primary, thawed, fences and follows.
    Node healthy = cluster.awaitHealthy(CONVERGE);
    assertThat(healthy).isEqualTo(next);
    assertThat(cluster.writablePrimaries()).containsExactly(next);
  }

  // ------------------------------------------------------------------ helpers

  /** Waits for the steady state: both replicas voters with quorum 1, written by {@code primary}. */
  private static void awaitSteadyQuorum(Node primary) {
    List<String> replicas = cluster.othersThan(primary).stream().map(n -> n.name).sorted().toList();
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                keys.sync()
                    .filter(s -> s.leader().equals(Optional.of(primary.name)))
                    .filter(s -> s.syncStandbys().equals(replicas))
                    .filter(s -> s.quorum().equals(OptionalInt.of(1)))
                    .isPresent());
  }

  /** Starts a client committing one row at a time; returns the ids acknowledged so far. */
  private static ConcurrentLinkedQueue<Long> writeUntilFailure(Node primary) {
    ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean failed = new AtomicBoolean();
    Future<?> unused =
        CLIENTS.submit(
            () -> {
              try (Connection c = connect(primary, 10);
                  PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                while (true) {
                  long id = IDS.incrementAndGet();
                  p.setLong(1, id);
                  p.executeUpdate();
                  acknowledged.add(id);
                }
              } catch (SQLException e) {
                failed.set(true); // the primary died: the commit in flight is not counted
              }
            });
    await().atMost(CONVERGE).until(() -> acknowledged.size() >= 200 || failed.get());
    assertThat(failed).isFalse();
    return acknowledged;
  }

  private static void assertNoneLost(Node next, ConcurrentLinkedQueue<Long> acknowledged) {
    Set<Long> present = ids(next);
    List<Long> lost = acknowledged.stream().filter(id -> !present.contains(id)).toList();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);
    assertThat(lost).as("acknowledged commits missing on the new primary").isEmpty();
  }

  private static void insert(Node primary, long id) throws SQLException {
    try (Connection c = connect(primary, 60);
        PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
      p.setLong(1, id);
      p.executeUpdate();
    }
  }
}
