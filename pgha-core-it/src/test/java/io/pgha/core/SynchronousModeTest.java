package io.pgha.core;

import static io.pgha.core.SyncProbes.apiBody;
import static io.pgha.core.SyncProbes.connect;
import static io.pgha.core.SyncProbes.ids;
import static io.pgha.core.SyncProbes.patchConfig;
import static io.pgha.core.SyncProbes.setting;
import static io.pgha.core.SyncProbes.syncStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Synchronous mode (RPO = 0) on a real 3-node cluster: the leader keeps {@code
 * synchronous_standby_names} and the {@code sync} key, a host failure of the primary loses no
 * acknowledged commit, and losing the synchronous standby keeps commits going (non-strict) or makes
 * them wait for a standby (strict). The scenarios run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SynchronousModeTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static LocalPghaCluster cluster;
  private static Client etcd;
  private static final AtomicLong KEYS = new AtomicLong();
  private static final ExecutorService CLIENTS = Executors.newCachedThreadPool();
  private static double asynchronousCommitMillis;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    etcd =
        Client.builder().endpoints(cluster.etcd().clientEndpoints().toArray(String[]::new)).build();
    cluster.startAll();
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id bigint PRIMARY KEY, written_on text)");
    asynchronousCommitMillis = commitLatencyMillis(primary);
    assertThat(patchConfig(primary, "{\"synchronous_mode\": true}")).isEqualTo(200);
  }

  @AfterAll
  static void stopCluster() {
    CLIENTS.shutdownNow();
    if (etcd != null) {
      etcd.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theLeaderNamesAStreamingStandbyInTheSyncKeyAndInPostgres() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node standby = awaitSyncStandby(primary);
    Node other = otherReplica(primary, standby);

    assertThat(standby.isStreamingReplica()).isTrue();
    assertThat(setting(primary, "synchronous_standby_names"))
        .isEqualTo("FIRST 1 (\"" + standby.name + "\")");
    assertThat(syncStateOf(primary, standby.name)).isEqualTo("sync");
    assertThat(syncStateOf(primary, other.name)).isEqualTo("async");

    // Patroni's health checks, from the sync key.
    await().atMost(CONVERGE).until(() -> standby.apiStatus("/sync") == 200);
    assertThat(other.apiStatus("/sync")).isEqualTo(503);
    assertThat(primary.apiStatus("/sync")).isEqualTo(503);
    await().atMost(CONVERGE).until(() -> other.apiStatus("/async") == 200);
    assertThat(standby.apiStatus("/async")).isEqualTo(503);
    assertThat(primary.apiStatus("/async")).isEqualTo(503);
    // A figure for the documentation, not an assertion: the machine is shared.
    System.out.printf(
        "commit latency (median), one client, loopback: asynchronous %.3f ms, synchronous %.3f ms%n",
        asynchronousCommitMillis, commitLatencyMillis(primary));
    assertThat(apiBody(primary, "/cluster"))
        .contains("\"name\":\"" + standby.name + "\"")
        .containsPattern(
            "\\{[^{}]*\"name\":\"" + standby.name + "\"[^{}]*\"role\":\"sync_standby\"");
  }

  @Test
  @Order(2)
  void hostFailureOfThePrimaryUnderLoadLosesNoAcknowledgedCommit() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    Node standby = awaitSyncStandby(old);
    ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    Future<?> writer = CLIENTS.submit(() -> commitUntilFailure(old, acknowledged, stop));
    await().atMost(CONVERGE).until(() -> acknowledged.size() >= 200);

    long killed = System.nanoTime();
    old.killHost();
    stop.set(true);
    writer.get(30, TimeUnit.SECONDS);

    Node next = cluster.awaitNewPrimary(old, CONVERGE);
    System.out.printf(
        "synchronous failover: %d commits acknowledged, new primary writable %.1f s after the"
            + " kill (ttl %d s)%n%n",
        acknowledged.size(), (System.nanoTime() - killed) / 1e9, TTL.toSeconds());
    assertThat(next).isEqualTo(standby);
    Set<Long> present = ids(next);
    List<Long> lost = acknowledged.stream().filter(id -> !present.contains(id)).toList();
    assertThat(lost).as("acknowledged commits missing on the new primary").isEmpty();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);

    // The new leader claimed the key for itself before accepting writes; the old primary, back,
    // follows it and may become its synchronous standby.
    await()
        .atMost(CONVERGE)
        .until(() -> syncKey().flatMap(SyncState::leader).equals(Optional.of(next.name)));
    old.start();
    await().atMost(CONVERGE).until(old::isStreamingReplica);
    awaitSyncStandby(next);
  }

  @Test
  @Order(3)
  void nonStrictModeKeepsCommittingWhenTheSyncStandbyDies() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node standby = awaitSyncStandby(primary);
    Node other = otherReplica(primary, standby);

    standby.killHost();

    // A commit may wait while the leader swaps standbys, but it does not wait for the dead one.
    long id = KEYS.incrementAndGet();
    Future<?> commit = CLIENTS.submit(() -> insert(primary, id, "sync standby dead"));
    commit.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
    await()
        .atMost(CONVERGE)
        .until(
            () -> syncKey().map(s -> s.syncStandbys().equals(List.of(other.name))).orElse(false));
    assertThat(setting(primary, "synchronous_standby_names"))
        .isEqualTo("FIRST 1 (\"" + other.name + "\")");
    // Synchronous means flushed on the standby; replaying it (what a read sees) may come later.
    await().atMost(CONVERGE).until(() -> ids(other).contains(id));

    standby.start();
    await().atMost(CONVERGE).until(standby::isStreamingReplica);
  }

  @Test
  @Order(4)
  void strictModeMakesCommitsWaitUntilAStandbyIsBack() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    assertThat(patchConfig(primary, "{\"synchronous_mode_strict\": true}")).isEqualTo(200);
    Node standby = awaitSyncStandby(primary);
    Node other = otherReplica(primary, standby);

    standby.killHost();
    other.killHost();
    await().atMost(CONVERGE).until(() -> "*".equals(setting(primary, "synchronous_standby_names")));
    assertThat(syncKey().map(SyncState::syncStandbys)).contains(List.of());

    long id = KEYS.incrementAndGet();
    Future<?> commit = CLIENTS.submit(() -> insert(primary, id, "no standby (strict)"));
    try {
      commit.get(3, TimeUnit.SECONDS);
      throw new AssertionError("a commit returned although no standby could confirm it");
    } catch (TimeoutException expected) {
      // waiting for a standby, as strict mode promises
    }

    other.start();
    commit.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
    await().atMost(CONVERGE).until(() -> ids(other).contains(id));
    await()
        .atMost(CONVERGE)
        .until(
            () -> syncKey().map(s -> s.syncStandbys().equals(List.of(other.name))).orElse(false));
    assertThat(cluster.writablePrimaries()).containsExactly(primary);

    standby.start();
    await().atMost(CONVERGE).until(standby::isStreamingReplica);
  }

  @Test
  @Order(5)
  void turningSynchronousModeOffClearsTheKeyAndTheSetting() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    assertThat(patchConfig(primary, "{\"synchronous_mode\": false}")).isEqualTo(200);

    await().atMost(CONVERGE).until(() -> syncKey().isEmpty());
    await().atMost(CONVERGE).until(() -> setting(primary, "synchronous_standby_names").isEmpty());
    for (Node replica : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(() -> syncStateOf(primary, replica.name).equals("async"));
      await().atMost(CONVERGE).until(() -> replica.apiStatus("/async") == 200);
    }
    insert(primary, KEYS.incrementAndGet(), "asynchronous again");
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The median time of 300 single-row autocommit inserts on one connection, after 100 to warm up.
   */
  private static double commitLatencyMillis(Node primary) throws SQLException {
    int count = 300;
    long[] nanos = new long[count];
    try (Connection c = connect(primary, 30);
        PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, 'latency')")) {
      for (int i = -100; i < count; i++) {
        p.setLong(1, KEYS.incrementAndGet());
        long started = System.nanoTime();
        p.executeUpdate();
        if (i >= 0) {
          nanos[i] = System.nanoTime() - started;
        }
      }
    }
    Arrays.sort(nanos);
    return nanos[count / 2] / 1e6;
  }

  /** Commits one row at a time on {@code primary} until it fails; records every acknowledged id. */
  private static void commitUntilFailure(
      Node primary, ConcurrentLinkedQueue<Long> acknowledged, AtomicBoolean stop) {
    try (Connection c = connect(primary, 10);
        PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, 'under load')")) {
      while (!stop.get()) {
        long id = KEYS.incrementAndGet();
        p.setLong(1, id);
        p.executeUpdate();
        acknowledged.add(id);
      }
    } catch (SQLException e) {
      // the primary died: the commit in flight is neither acknowledged nor counted
    }
  }

  private static Void insert(Node primary, long id, String note) throws SQLException {
    try (Connection c = connect(primary, 300);
        PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      p.setLong(1, id);
      p.setString(2, note);
      p.executeUpdate();
    }
    return null;
  }

  /** Waits until the sync key, written by {@code primary}, names one streaming standby. */
  private static Node awaitSyncStandby(Node primary) {
    List<Node> found = new ArrayList<>();
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              Optional<SyncState> sync = syncKey();
              if (sync.isEmpty()
                  || !sync.get().leader().equals(Optional.of(primary.name))
                  || sync.get().syncStandbys().size() != 1) {
                return false;
              }
              Node standby = cluster.node(sync.get().syncStandbys().get(0));
              if (!standby.isStreamingReplica()) {
                return false;
              }
              found.add(standby);
              return true;
            });
    return found.get(found.size() - 1);
  }

  private static Node otherReplica(Node primary, Node standby) {
    return cluster.nodes().stream()
        .filter(n -> n != primary && n != standby)
        .findFirst()
        .orElseThrow();
  }

  private static Optional<SyncState> syncKey() throws Exception {
    String key = "/service/" + cluster.scope() + "/sync";
    List<KeyValue> kvs =
        etcd.getKVClient()
            .get(ByteSequence.from(key, StandardCharsets.UTF_8))
            .get(5, TimeUnit.SECONDS)
            .getKvs();
    if (kvs.isEmpty()) {
      return Optional.empty();
    }
    KeyValue kv = kvs.get(0);
    return Optional.of(
        PatroniCodec.decodeSync(
            key, kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision(), w -> {}));
  }
}
