package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.jdbc.ClusterUnderTest.Node;
import io.pgha.jdbc.routing.PghaSqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A hung host must not hang the application: a client probe (one statement every 20 ms through
 * plain {@code getConnection()} or {@code readOnly()}, default settings) against a real cluster
 * whose leader's host is frozen (SIGSTOP of the HA process, the postmaster and every backend:
 * sockets stay open, nothing answers). The statement blocked on the frozen leader must return with
 * a failover SQLState once the cluster has moved on, not when a socket or pool timeout fires. The
 * subclasses run it against pgha (asynchronous and synchronous) and Patroni; the asynchronous pgha
 * one adds the replica cases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HungHostScenarios {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HungHostScenarios.class);
  static final Duration WAIT = Duration.ofSeconds(90);

  /** How long after the cluster moved on a blocked statement may still take to return. */
  static final Duration PROMPTLY = Duration.ofSeconds(5);

  ClusterUnderTest cluster;
  TopologyAwareDataSource ds;

  /** Starts the cluster, healthy. */
  abstract ClusterUnderTest startCluster();

  @BeforeAll
  void startClusterAndDataSource() throws SQLException {
    cluster = startCluster();
    ds = probeTableAndDataSource(cluster);
  }

  /**
   * Creates the {@link Probe}'s table on the leader of {@code cluster} and returns a DataSource
   * over it with default settings otherwise: what an application gets out of the box.
   */
  static TopologyAwareDataSource probeTableAndDataSource(ClusterUnderTest cluster)
      throws SQLException {
    try (Connection c = cluster.leader().connect();
        Statement s = c.createStatement()) {
      s.execute("create table probe (k text primary key, at timestamptz default now())");
    }
    return new TopologyAwareDataSource(
        cluster
            .credentials(PghaDataSourceConfig.builder())
            .etcd(cluster.etcdEndpoints())
            .scope(cluster.scope())
            .build());
  }

  @AfterAll
  void stopCluster() {
    if (ds != null) {
      ds.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** One statement of the probe: when it ran, where, and how it ended. */
  record Attempt(long startNanos, long endNanos, int port, String sqlState, String key) {
    boolean ok() {
      return sqlState == null;
    }

    long millis() {
      return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
    }
  }

  /**
   * A thread that runs one statement every 20 ms, each on a fresh connection from {@code source}:
   * an insert of a unique key returning the server's port (writes) or the server's port (reads).
   */
  static final class Probe implements AutoCloseable {
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Probe(String name, DataSource source, boolean writes) {
      thread =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  String key = writes ? name + "-" + i : null;
                  long start = System.nanoTime();
                  int port = -1;
                  String state = null;
                  try (Connection c = source.getConnection();
                      PreparedStatement ps =
                          c.prepareStatement(
                              writes
                                  ? "insert into probe (k) values (?) returning inet_server_port()"
                                  : "select inet_server_port()")) {
                    if (writes) {
                      ps.setString(1, key);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      port = rs.getInt(1);
                    }
                  } catch (SQLException e) {
                    state = e.getSQLState() == null ? "null" : e.getSQLState();
                  }
                  attempts.add(new Attempt(start, System.nanoTime(), port, state, key));
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "probe-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    void awaitSuccesses(int n) {
      int target = successes() + n;
      await().atMost(WAIT).until(() -> successes() >= target);
    }

    int successes() {
      return (int) attempts.stream().filter(Attempt::ok).count();
    }

    List<Attempt> endingAfter(long nanos) {
      return attempts.stream().filter(a -> a.endNanos() - nanos > 0).toList();
    }

    Set<String> acknowledgedKeys() {
      Set<String> keys = new HashSet<>();
      attempts.stream().filter(Attempt::ok).forEach(a -> keys.add(a.key()));
      return keys;
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(thread.isAlive()).as("the probe thread still hangs").isFalse();
    }
  }

  static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** Waits, polling every 5 ms, until the DataSource's leader is another member; returns when. */
  long awaitNewLeaderKey(String old) {
    return awaitNewLeaderKey(ds, old);
  }

  /** Waits, polling every 5 ms, until {@code ds}'s leader is another member; returns when. */
  static long awaitNewLeaderKey(TopologyAwareDataSource ds, String old) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      String now = ds.topology().leaderName();
      if (now != null && !now.equals(old)) {
        return System.nanoTime();
      }
      sleep(5);
    }
    throw new AssertionError("no new leader key within " + WAIT + ": " + ds.topology());
  }

  /** The first attempt that took longer than a second: the one the frozen host blocked. */
  static Attempt blockedIn(List<Attempt> attempts) {
    return attempts.stream()
        .filter(a -> a.millis() > 1000)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no attempt was blocked: " + attempts));
  }

  /** The first successful attempt after {@code blocked}. */
  static Attempt firstSuccessAfter(List<Attempt> attempts, Attempt blocked) {
    return attempts.subList(attempts.indexOf(blocked) + 1, attempts.size()).stream()
        .filter(Attempt::ok)
        .findFirst()
        .orElseThrow();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The leader's host hangs: the write blocked on it returns with a failover SQLState within {@link
   * #PROMPTLY} of the new leader key; the next write lands on the new leader; every acknowledged
   * row is there after the thaw.
   */
  @Test
  @Order(10)
  void aWriteBlockedOnAFrozenLeaderReturnsOnceANewLeaderIsElected() throws Exception {
    Node old = cluster.leader();
    List<Attempt> afterFreeze;
    long frozenAt;
    long newLeaderAt;
    String newLeader;
    Set<String> acknowledged;
    try (Probe writer = new Probe("frozen-leader", ds, true)) {
      writer.awaitSuccesses(20);
      frozenAt = System.nanoTime();
      old.freezeHost();
      try {
        newLeaderAt = awaitNewLeaderKey(old.name());
        newLeader = ds.topology().leaderName();
        int newPort = ds.topology().member(newLeader).orElseThrow().port();
        await()
            .atMost(WAIT)
            .until(
                () -> writer.endingAfter(newLeaderAt).stream().anyMatch(a -> a.port() == newPort));
        awaitAReplicaStreamingFrom(cluster.node(newLeader));
      } finally {
        old.endFreezeOfReplacedLeader();
      }
      afterFreeze = writer.endingAfter(frozenAt);
      acknowledged = writer.acknowledgedKeys();
    }
    Attempt blocked = blockedIn(afterFreeze);
    LOG.info(
        "frozen leader {}: new leader key {} {} ms after the freeze; the blocked write returned"
            + " {} ms after the freeze ({} ms after the new leader key) with {}; attempts after the"
            + " freeze: {}",
        old.name(),
        newLeader,
        millis(newLeaderAt - frozenAt),
        millis(blocked.endNanos() - frozenAt),
        millis(blocked.endNanos() - newLeaderAt),
        blocked.sqlState(),
        afterFreeze.stream().limit(6).toList());
    assertThat(blocked.ok()).as("the write in flight on the frozen leader failed").isFalse();
    assertThat(blocked.sqlState()).isIn(PghaSqlStates.FAILOVER_RETRY, "08007");
    assertThat(millis(blocked.endNanos() - newLeaderAt))
        .as("ms from the new leader key to the blocked write's return")
        .isLessThan(PROMPTLY.toMillis());
    Attempt next = firstSuccessAfter(afterFreeze, blocked);
    assertThat(next.port()).isEqualTo(cluster.node(newLeader).port());

    cluster.awaitHealthy(WAIT);
    Set<String> stored = new HashSet<>();
    try (Connection c = cluster.node(newLeader).connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select k from probe where k like 'frozen-leader-%'")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    assertThat(stored).containsAll(acknowledged);
  }

  /**
   * Waits (bounded; goes on regardless) until the remaining replica streams from the new leader
   * before the old one is thawed. A thawed old primary's WAL senders run before its agent fences
   * it, and can still send a replica that has not yet switched WAL the new leader never had; its
   * agent then rewinds it (fencing.md), which takes a while. These scenarios test the client, so
   * the thaw comes once the cluster has settled.
   */
  private static void awaitAReplicaStreamingFrom(Node leader) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      try (Connection c = leader.connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select count(*) from pg_stat_replication where state = 'streaming'")) {
        if (rs.next() && rs.getInt(1) > 0) {
          return;
        }
      } catch (SQLException e) {
        // not ready yet: ask again
      }
      sleep(100);
    }
  }

  /**
   * How long a frozen replica may stay in the read set: its replay probe (every second by default)
   * gets no answer within the connection timeout (2 s by default); with room for a loaded machine,
   * and below what would otherwise remove it (its member key's ttl, the 60 s socket timeout).
   */
  static final Duration FROZEN_REPLICA_LEAVES = Duration.ofSeconds(7);

  /**
   * A replica's host hangs: it leaves the read set within {@link #FROZEN_REPLICA_LEAVES} (its
   * replay probe does not answer), the read blocked on it returns with 08S02 within {@link
   * #PROMPTLY} of that, and the next read goes to the other replica.
   */
  void aReadBlockedOnAFrozenReplicaReturnsOnceItLeavesTheReadSet() throws Exception {
    await().atMost(WAIT).until(() -> ds.readableReplicas().size() == 2);
    List<Node> replicas = cluster.replicas();
    Node victim = replicas.get(0);
    Node other = replicas.get(1);
    long frozenAt;
    long leftAt;
    List<Attempt> afterFreeze;
    try (Probe reader = new Probe("frozen-replica", ds.readOnly(), false)) {
      reader.awaitSuccesses(20);
      frozenAt = System.nanoTime();
      victim.freezeHost();
      try {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ds.readableReplicas().contains(victim.name())) {
          assertThat(System.nanoTime() - deadline).as("the replica left the read set").isNegative();
          sleep(5);
        }
        leftAt = System.nanoTime();
        await()
            .atMost(WAIT)
            .until(() -> reader.endingAfter(leftAt).stream().filter(Attempt::ok).count() >= 5);
      } finally {
        victim.thaw();
      }
      afterFreeze = reader.endingAfter(frozenAt);
    }
    Attempt blocked = blockedIn(afterFreeze);
    LOG.info(
        "frozen replica {}: it left the read set {} ms after the freeze; the blocked read returned"
            + " {} ms after that with {}; attempts after the freeze: {}",
        victim.name(),
        millis(leftAt - frozenAt),
        millis(blocked.endNanos() - leftAt),
        blocked.sqlState(),
        afterFreeze.stream().limit(6).toList());
    assertThat(millis(leftAt - frozenAt))
        .as("ms from the freeze until the replica left the read set")
        .isLessThan(FROZEN_REPLICA_LEAVES.toMillis());
    assertThat(blocked.ok()).isFalse();
    assertThat(blocked.sqlState()).isEqualTo(PghaSqlStates.FAILOVER_RETRY);
    assertThat(millis(blocked.endNanos() - leftAt)).isLessThan(PROMPTLY.toMillis());
    Attempt next = afterFreeze.get(afterFreeze.indexOf(blocked) + 1);
    assertThat(next.ok()).isTrue();
    assertThat(next.port()).isEqualTo(other.port());
    cluster.awaitHealthy(WAIT);
  }

  /**
   * A replica's host dies: the read that meets it fails, and from then on reads go to the other
   * replica without waiting (no borrow from the dead one's pool), while it is still in the
   * topology.
   */
  void afterAReadFailsOnAKilledReplicaTheNextReadsGoElsewhereWithoutWaiting() throws Exception {
    await().atMost(WAIT).until(() -> ds.readableReplicas().size() == 2);
    List<Node> replicas = cluster.replicas();
    Node victim = replicas.get(0);
    Node other = replicas.get(1);
    List<Attempt> afterFailure;
    try (Probe reader = new Probe("killed-replica", ds.readOnly(), false)) {
      reader.awaitSuccesses(20);
      long killedAt = System.nanoTime();
      victim.killHost();
      await()
          .atMost(WAIT)
          .until(() -> reader.endingAfter(killedAt).stream().anyMatch(a -> !a.ok()));
      Attempt failed =
          reader.endingAfter(killedAt).stream().filter(a -> !a.ok()).findFirst().orElseThrow();
      // Longer than the default circuit-open time: a half-open probe must not cost a read either.
      sleep(8_000);
      afterFailure = reader.endingAfter(failed.endNanos());
      LOG.info(
          "killed replica {}: the read that met it failed with {} after {} ms; the next reads: {}",
          victim.name(),
          failed.sqlState(),
          failed.millis(),
          afterFailure.stream().limit(6).toList());
      assertThat(failed.sqlState()).isEqualTo(PghaSqlStates.FAILOVER_RETRY);
    }
    assertThat(afterFailure).hasSizeGreaterThan(50);
    List<Attempt> slowOrElsewhere = new ArrayList<>();
    for (Attempt a : afterFailure) {
      if (!a.ok() || a.port() != other.port() || a.millis() > 500) {
        slowOrElsewhere.add(a);
      }
    }
    assertThat(slowOrElsewhere)
        .as("reads after the failure that failed, waited or did not go to " + other.name())
        .isEmpty();
    victim.start();
    cluster.awaitHealthy(WAIT);
  }
}
