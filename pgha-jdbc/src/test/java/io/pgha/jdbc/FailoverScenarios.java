package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.jdbc.ClusterUnderTest.HttpResult;
import io.pgha.jdbc.ClusterUnderTest.Node;
import io.pgha.jdbc.routing.ReadPolicy;
import io.pgha.jdbc.topology.Member;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The DataSource over a real 3-node cluster in synchronous mode (so a failover loses no
 * acknowledged commit) on a real etcd: the same scenarios against Patroni ({@link
 * PatroniClusterTest}) and pgha ({@link PghaClusterTest}). One cluster per class; tests run in
 * order because the later ones change the cluster (switchover, replica loss, primary host loss).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FailoverScenarios {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(FailoverScenarios.class);
  static final Duration WAIT = Duration.ofSeconds(60);

  private ClusterUnderTest cluster;
  private TopologyAwareDataSource ds;

  /** Starts the cluster, healthy, with every replica synchronous. */
  abstract ClusterUnderTest startCluster();

  @BeforeAll
  void startClusterAndDataSource() throws SQLException {
    cluster = startCluster();
    try (Connection c = cluster.leader().connect();
        Statement s = c.createStatement()) {
      s.execute("create table units (k text not null, at timestamptz default now())");
      s.execute("create table filler (id int, pad text)");
    }
    ds = new TopologyAwareDataSource(etcdConfig().build());
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

  PghaDataSourceConfig.Builder etcdConfig() {
    return credentials(PghaDataSourceConfig.builder())
        .etcd(cluster.etcdEndpoints())
        .scope(cluster.scope())
        .connectionTimeout(Duration.ofSeconds(1))
        .leaderWaitTimeout(Duration.ofSeconds(30))
        .replicaCircuitOpenDuration(Duration.ofSeconds(2))
        .replayLagProbeInterval(Duration.ofMillis(200));
  }

  private PghaDataSourceConfig.Builder credentials(PghaDataSourceConfig.Builder b) {
    return cluster.credentials(b);
  }

  /** Where a connection's work ran: port and whether the server is a standby. */
  record Server(int port, boolean inRecovery) {}

  static Server where(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select inet_server_port(), pg_is_in_recovery()")) {
      rs.next();
      return new Server(rs.getInt(1), rs.getBoolean(2));
    }
  }

  Set<Integer> replicaPorts() {
    Set<Integer> ports = new HashSet<>();
    cluster.replicas().forEach(n -> ports.add(n.port()));
    return ports;
  }

  @Test
  @Order(1)
  void writesGoToTheLeaderAndReadsToReplicas() throws SQLException {
    Node leader = cluster.leader();
    await().atMost(WAIT).until(() -> ds.readableReplicas().size() == 2);

    try (Connection c = ds.getConnection()) {
      assertThat(where(c)).isEqualTo(new Server(leader.port(), false));
      try (Statement s = c.createStatement()) {
        assertThat(s.executeUpdate("insert into units (k) values ('first')")).isEqualTo(1);
      }
    }
    Set<Integer> readPorts = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      try (Connection c = ds.readOnly().getConnection()) {
        Server s = where(c);
        assertThat(s.inRecovery()).isTrue();
        readPorts.add(s.port());
      }
    }
    // Round robin: both replicas took reads.
    assertThat(readPorts).isEqualTo(replicaPorts());

    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true); // before first use, as Spring's read-only transactions do
      assertThat(where(c).inRecovery()).isTrue();
      c.setReadOnly(false); // auto-commit, between statements: moves back to the leader
      assertThat(where(c)).isEqualTo(new Server(leader.port(), false));
    }
  }

  @Test
  @Order(2)
  void aReadOnlyTransactionStaysOnOneReplica() throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      Server first = where(c);
      assertThat(where(c)).isEqualTo(first);
      assertThat(first.inRecovery()).isTrue();
      assertThatThrownBy(() -> c.setReadOnly(false)).isInstanceOf(SQLException.class);
      c.commit();
    }
  }

  @Test
  @Order(3)
  void httpApiAndStaticHostSourcesSeeTheSameCluster() throws SQLException {
    Node leader = cluster.leader();
    List<URI> apis = cluster.nodes().stream().map(n -> URI.create(n.apiUrl())).toList();
    List<String> hosts = cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).toList();
    try (TopologyAwareDataSource http =
            new TopologyAwareDataSource(
                credentials(PghaDataSourceConfig.builder())
                    .httpApi(apis)
                    .pollInterval(Duration.ofMillis(200))
                    .poolName("http")
                    .build());
        TopologyAwareDataSource fixed =
            new TopologyAwareDataSource(
                credentials(PghaDataSourceConfig.builder())
                    .staticHosts(hosts)
                    .pollInterval(Duration.ofMillis(200))
                    .poolName("static")
                    .build())) {
      assertThat(http.topology().leaderName()).isEqualTo(leader.name());
      assertThat(fixed.topology().leaderName()).isEqualTo(leader.host() + ":" + leader.port());
      for (TopologyAwareDataSource source : List.of(http, fixed)) {
        try (Connection c = source.getConnection()) {
          assertThat(where(c)).isEqualTo(new Server(leader.port(), false));
        }
        try (Connection c = source.readOnly().getConnection()) {
          assertThat(where(c).inRecovery()).isTrue();
        }
      }
    }
  }

  @Test
  @Order(4)
  void jdbcUrlForToolsThatOnlyTakeAUrl() throws SQLException {
    String url =
        "jdbc:pgha://"
            + cluster.etcdEndpoints().get(0).replace("http://", "")
            + "/"
            + cluster.scope()
            + "?user="
            + cluster.username()
            + (cluster.password() == null ? "" : "&password=" + cluster.password());
    try (Connection w = DriverManager.getConnection(url + "&role=primary");
        Connection r = DriverManager.getConnection(url + "&role=replica")) {
      assertThat(where(w)).isEqualTo(new Server(cluster.leader().port(), false));
      assertThat(where(r).inRecovery()).isTrue();
      // Both roles share one DataSource; closing it (an application redeploy) ends both.
      assertThat(PghaDriver.dataSourceCount()).isEqualTo(1);
      PghaDriver.closeDataSources();
      assertThat(PghaDriver.dataSourceCount()).isZero();
      assertThatThrownBy(() -> where(w))
          .isInstanceOf(SQLException.class)
          .hasMessage("the pgha DataSource is closed");
    }
    try (Connection again = DriverManager.getConnection(url)) {
      assertThat(where(again)).isEqualTo(new Server(cluster.leader().port(), false));
    } finally {
      PghaDriver.closeDataSources();
    }
  }

  @Test
  @Order(5)
  void badStartIsAClearError() {
    assertThatThrownBy(() -> new TopologyAwareDataSource(etcdConfig().scope("nope").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no cluster keys under /service/nope/")
        .hasMessageContaining("unknown scope");
    assertThatThrownBy(
            () ->
                new TopologyAwareDataSource(
                    etcdConfig()
                        .etcd(List.of("http://127.0.0.1:1"))
                        .startTimeout(Duration.ofSeconds(2))
                        .build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("http://127.0.0.1:1");
  }

  @Test
  @Order(6)
  void garbageInEtcdIsLoggedAndTheLastGoodTopologyKept() throws Exception {
    Node replica = cluster.replicas().get(0);
    try (io.etcd.jetcd.Client client =
        io.etcd.jetcd.Client.builder()
            .endpoints(cluster.etcdEndpoints().toArray(String[]::new))
            .build()) {
      client
          .getKVClient()
          .put(
              bytes("/service/" + cluster.scope() + "/members/" + replica.name()),
              bytes("{garbage"))
          .get(10, TimeUnit.SECONDS);
      client
          .getKVClient()
          .put(bytes("/service/" + cluster.scope() + "/members/intruder"), bytes("[1, 2, 3]"))
          .get(10, TimeUnit.SECONDS);
      // The watch has seen both puts once this key, written after them, is visible.
      client
          .getKVClient()
          .put(
              bytes("/service/" + cluster.scope() + "/members/zz-marker"),
              bytes(
                  "{\"conn_url\": \"postgres://127.0.0.1:1/postgres\", \"state\": \"stopped\","
                      + " \"role\": \"replica\"}"))
          .get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> ds.topology().member("zz-marker").isPresent());
      assertThat(ds.topology().member(replica.name())).map(Member::port).contains(replica.port());
      assertThat(ds.topology().member("intruder")).isEmpty();
      try (Connection c = ds.readOnly().getConnection()) {
        assertThat(where(c).inRecovery()).isTrue();
      }
      client
          .getKVClient()
          .delete(bytes("/service/" + cluster.scope() + "/members/intruder"))
          .get(10, TimeUnit.SECONDS);
      client
          .getKVClient()
          .delete(bytes("/service/" + cluster.scope() + "/members/zz-marker"))
          .get(10, TimeUnit.SECONDS);
    }
  }

  private static io.etcd.jetcd.ByteSequence bytes(String s) {
    return io.etcd.jetcd.ByteSequence.from(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @Order(7)
  void leastConnectionsSendsReadsToTheIdleReplica() throws SQLException {
    try (TopologyAwareDataSource lc =
        new TopologyAwareDataSource(
            etcdConfig().readPolicy(ReadPolicy.LEAST_CONNECTIONS).poolName("lc").build())) {
      await().atMost(WAIT).until(() -> lc.readableReplicas().size() == 2);
      List<Connection> held = new ArrayList<>();
      try {
        Connection first = lc.readOnly().getConnection();
        held.add(first);
        int busy = where(first).port();
        for (int i = 0; i < 3; i++) {
          Connection next = lc.readOnly().getConnection();
          held.add(next);
          // While `first` is borrowed, the other replica has fewer connections each time it is
          // asked, until both are even.
          if (i == 0) {
            assertThat(where(next).port()).isNotEqualTo(busy);
          } else {
            where(next);
          }
        }
      } finally {
        for (Connection c : held) {
          c.close();
        }
      }
    }
  }

  @Test
  @Order(8)
  void aReplicaThatStopsReplayingStopsReceivingReads() throws Exception {
    Node paused = cluster.replicas().get(0);
    Node other = cluster.replicas().get(1);
    try (TopologyAwareDataSource bounded =
        new TopologyAwareDataSource(
            etcdConfig()
                .maxReplicaLagBytes(256 * 1024)
                .readPolicy(ReadPolicy.LEAST_LAG)
                .poolName("lag")
                .build())) {
      await().atMost(WAIT).until(() -> bounded.readableReplicas().size() == 2);
      // Patroni resumes paused replay on its next loop unless the cluster is in maintenance mode.
      maintenanceMode(true);
      try (Connection c = paused.connect();
          Statement s = c.createStatement()) {
        s.execute("select pg_wal_replay_pause()");
        try (Connection w = cluster.leader().connect();
            Statement ws = w.createStatement()) {
          ws.execute(
              "insert into filler select g, repeat('x', 200) from generate_series(1, 20000) g");
        }
        await().atMost(WAIT).until(() -> bounded.readableReplicas().equals(List.of(other.name())));
        for (int i = 0; i < 6; i++) {
          try (Connection r = bounded.readOnly().getConnection()) {
            assertThat(where(r).port()).isEqualTo(other.port());
          }
        }
        s.execute("select pg_wal_replay_resume()");
      } finally {
        maintenanceMode(false);
      }
      await().atMost(WAIT).until(() -> bounded.readableReplicas().size() == 2);
    }
  }

  /** Patroni's pause mode ({@code PATCH /config {"pause": ...}}), once every node has seen it. */
  private void maintenanceMode(boolean on) {
    HttpResult r = cluster.leader().http("PATCH", "/config", "{\"pause\": " + on + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.nodes().stream()
                    .filter(Node::isRunning)
                    .allMatch(
                        n ->
                            n.apiGet("/patroni")
                                .map(b -> b.replace(" ", "").contains("\"pause\":true") == on)
                                .orElse(false)));
  }

  @Test
  @Order(9)
  void plannedSwitchoverLosesNoUnitOfWork() throws Exception {
    Node oldLeader = cluster.leader();
    // In synchronous mode only a synchronous standby may take over.
    boolean synchronous = oldLeader.reportsSynchronousMode();
    Node candidate =
        cluster.replicas().stream()
            .filter(n -> !synchronous || n.apiStatus("/sync") == 200)
            .findFirst()
            .orElseThrow();
    Workload load = new Workload("switchover", 4, 2);
    load.start();
    load.awaitProgress(20);
    HttpResult answer = cluster.switchover(candidate.name());
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    await().atMost(WAIT).until(() -> candidate.name().equals(ds.topology().leaderName()));
    load.awaitProgress(40);
    load.stopAndCheck();
    try (Connection c = ds.getConnection()) {
      assertThat(where(c)).isEqualTo(new Server(candidate.port(), false));
    }
    cluster.awaitHealthy(WAIT);
    assertThat(oldLeader.apiStatus("/replica")).isEqualTo(200);
  }

  @Test
  @Order(10)
  void readsKeepWorkingWhenAReplicaDies() throws Exception {
    Node victim = cluster.replicas().get(0);
    Workload load = new Workload("replica", 1, 4);
    load.start();
    load.awaitProgress(20);
    victim.killHost();
    long readsAtKill = load.reads.get();
    load.awaitProgress(40);
    await().atMost(WAIT).until(() -> load.reads.get() > readsAtKill + 50);
    load.stopAndCheck();
    victim.start();
    cluster.awaitHealthy(WAIT);
  }

  @Test
  @Order(11)
  void primaryHostFailureUnderEightThreads() throws Exception {
    Node oldLeader = cluster.leader();
    Workload load = new Workload("failover", 4, 4);
    load.start();
    load.awaitProgress(20);
    long killedAt = System.nanoTime();
    oldLeader.killHost();
    try {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  ds.topology().leaderName() != null
                      && !oldLeader.name().equals(ds.topology().leaderName())
                      && ds.topology().writableLeader().isPresent());
    } catch (ConditionTimeoutException e) {
      // Say whether Patroni or the DataSource is the one that did not move.
      throw new AssertionError(
          "no new writable leader; the DataSource sees "
              + ds.topology()
              + "; Patroni's /cluster: "
              + cluster.nodes().stream()
                  .filter(Node::isRunning)
                  .map(n -> n.apiGet("/cluster").orElse("(no answer)"))
                  .toList(),
          e);
    }
    long newLeaderAt = System.nanoTime();
    LOG.info(
        "primary host failure: the DataSource routed writes to {} {} ms after the kill",
        ds.topology().leaderName(),
        TimeUnit.NANOSECONDS.toMillis(newLeaderAt - killedAt));
    String newLeader = ds.topology().leaderName();
    load.awaitProgress(40);
    load.stopAndCheck();
    // Reads were served while there was no leader.
    assertThat(load.readCompletions).anyMatch(t -> t > killedAt && t < newLeaderAt);
    try (Connection c = ds.getConnection()) {
      assertThat(where(c)).isEqualTo(new Server(cluster.node(newLeader).port(), false));
    }
    oldLeader.start();
    cluster.awaitHealthy(WAIT);
  }

  /**
   * Writers each insert unique keys through the retry helper; readers read through it. Every unit
   * of work must complete: the retrier never gives up.
   */
  final class Workload {
    private final String name;
    private final int writers;
    private final int readers;
    private final TransactionRetrier retrier =
        TransactionRetrier.builder(ds)
            .maxAttempts(30)
            .wait(Duration.ofMillis(100))
            .idempotent(true)
            .build();
    private final ExecutorService pool;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicInteger writes = new AtomicInteger();
    final ConcurrentLinkedQueue<Long> readCompletions = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> writeCompletions = new ConcurrentLinkedQueue<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    Workload(String name, int writers, int readers) {
      this.name = name;
      this.writers = writers;
      this.readers = readers;
      this.pool = Executors.newFixedThreadPool(writers + readers);
    }

    void start() {
      for (int w = 0; w < writers; w++) {
        int id = w;
        pool.execute(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                String key = name + "-" + id + "-" + i;
                try {
                  retrier.inTransaction(
                      c -> {
                        try (PreparedStatement ps =
                            c.prepareStatement(
                                "insert into units (k) select ? where not exists"
                                    + " (select 1 from units where k = ?)")) {
                          ps.setString(1, key);
                          ps.setString(2, key);
                          return ps.executeUpdate();
                        }
                      });
                  acknowledged.add(key);
                  writes.incrementAndGet();
                  writeCompletions.add(System.nanoTime());
                } catch (SQLException | RuntimeException e) {
                  failures.add(e);
                  return;
                }
              }
            });
      }
      for (int r = 0; r < readers; r++) {
        pool.execute(
            () -> {
              while (!stop.get()) {
                try {
                  retrier.readOnly(
                      c -> {
                        try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("select count(*) from units")) {
                          rs.next();
                          return rs.getLong(1);
                        }
                      });
                  reads.incrementAndGet();
                  readCompletions.add(System.nanoTime());
                } catch (SQLException | RuntimeException e) {
                  failures.add(e);
                  return;
                }
              }
            });
      }
    }

    /** Waits until every writer and reader has done {@code more} more units. */
    void awaitProgress(int more) {
      int w = writes.get() + (writers > 0 ? more * writers : 0);
      long r = reads.get() + (long) more * readers;
      await()
          .atMost(WAIT)
          .until(
              () -> {
                assertThat(failures).isEmpty();
                return writes.get() >= w && reads.get() >= r;
              });
    }

    void stopAndCheck() throws Exception {
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      assertThat(failures).isEmpty();
      List<String> stored = new ArrayList<>();
      // Right after a leader change the new leader may still be promoting: wait for it.
      Node leader =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(cluster::currentLeader, java.util.Optional::isPresent)
              .orElseThrow();
      try (Connection c = leader.connect();
          PreparedStatement ps = c.prepareStatement("select k from units where k like ?")) {
        ps.setString(1, name + "-%");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            stored.add(rs.getString(1));
          }
        }
      }
      // Exactly once: no duplicates, none lost, nothing unacknowledged.
      assertThat(stored).doesNotHaveDuplicates();
      assertThat(new HashSet<>(stored)).isEqualTo(acknowledged);
      LOG.info(
          "{}: {} writes, {} reads, {} retried attempts; longest gap between writes {} ms,"
              + " between reads {} ms",
          name,
          writes.get(),
          reads.get(),
          retrier.retriedAttempts(),
          longestGapMillis(writeCompletions),
          longestGapMillis(readCompletions));
    }

    private static long longestGapMillis(ConcurrentLinkedQueue<Long> times) {
      List<Long> sorted = times.stream().sorted().toList();
      long gap = 0;
      for (int i = 1; i < sorted.size(); i++) {
        gap = Math.max(gap, sorted.get(i) - sorted.get(i - 1));
      }
      return TimeUnit.NANOSECONDS.toMillis(gap);
    }
  }
}
