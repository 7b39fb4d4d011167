package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.jdbc.routing.PghaSqlStates;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A planned switchover of a pgha cluster is invisible to pgha-jdbc clients apart from a pause: the
 * leader announces a drain, clients hold new write transactions back, the ones in flight finish,
 * and the successor takes writes once it runs as primary. Transactions here are plain JDBC, with no
 * retry: any failure is a failure of the drain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlannedSwitchoverTest {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PlannedSwitchoverTest.class);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static LocalPghaCluster cluster;
  private static TopologyAwareDataSource ds;

  @BeforeAll
  static void startCluster() throws SQLException {
    cluster =
        new LocalPghaCluster(
            3, Duration.ofSeconds(8), Duration.ofSeconds(1), Duration.ofSeconds(3));
    cluster.startAll();
    try (Connection c = cluster.awaitHealthy(Duration.ofSeconds(90)).connect();
        Statement s = c.createStatement()) {
      s.execute("create table units (k text primary key)");
    }
    ds = new TopologyAwareDataSource(PghaClusterUnderTest.dataSourceConfig(cluster).build());
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
  @Order(1)
  void tenSwitchoversUnderEightWritersFailNoTransaction() throws Exception {
    try (Writers writers = new Writers("ten", 8)) {
      writers.awaitCommits(200);
      for (int i = 0; i < 10; i++) {
        LocalPghaCluster.Node leader = cluster.awaitHealthy(WAIT);
        LocalPghaCluster.Node candidate = cluster.othersThan(leader).get(i % 2);
        long before = writers.commits.get();
        // The old leader streams before its member key says so; until then the API refuses it
        // as a candidate (412), as it would refuse an operator.
        LocalPghaCluster.ApiResponse[] answer = new LocalPghaCluster.ApiResponse[1];
        await()
            .atMost(WAIT)
            .until(() -> (answer[0] = switchover(leader, candidate)).status() != 412);
        assertThat(answer[0].status()).as(answer[0].body()).isEqualTo(200);
        assertThat(cluster.awaitNewPrimary(leader, WAIT)).isSameAs(candidate);
        await().atMost(WAIT).until(() -> writers.commits.get() > before + 50);
        writers.assertNoFailure();
      }
      writers.stopAndCheck();
    }
  }

  @Test
  @Order(2)
  void aTransactionThatOutlivesTheDrainFailsRetryablyAndSucceedsOnRetry() throws Exception {
    LocalPghaCluster.Node leader = cluster.awaitHealthy(WAIT);
    LocalPghaCluster.Node candidate = cluster.othersThan(leader).get(0);
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("insert into units values ('outlived')");
      }
      // The drain waits 2 s (drain_timeout) for this transaction, then ends its session. The
      // candidate's member key may still show the lag of the previous test's writers: refused
      // (412) until its next cycle, as an operator would be.
      LocalPghaCluster.ApiResponse[] answer = new LocalPghaCluster.ApiResponse[1];
      await().atMost(WAIT).until(() -> (answer[0] = switchover(leader, candidate)).status() != 412);
      assertThat(answer[0].status()).as(answer[0].body()).isEqualTo(200);
      cluster.awaitNewPrimary(leader, WAIT);
      // The transaction's next statement finds its session gone: rolled back, retry. (A COMMIT
      // that meets the ended session is reported as 08007: the client cannot tell whether the
      // server processed it before the end.)
      assertThatThrownBy(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.executeUpdate("insert into units values ('outlived-2')");
                }
              })
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.FAILOVER_RETRY);
      c.rollback();
    }
    TransactionRetrier retrier = TransactionRetrier.builder(ds).build();
    int port =
        retrier.inTransaction(
            c -> {
              try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into units values ('outlived')");
              }
              return FailoverScenarios.where(c).port();
            });
    assertThat(port).isEqualTo(candidate.pgPort);
  }

  @Test
  @Order(3)
  void patronictlSwitchoverDrainsTheSameWay(@TempDir Path dir) throws Exception {
    Path patronictl = Path.of("/usr/bin/patronictl");
    assertThat(patronictl).as("patronictl (apt-get install patroni)").isExecutable();
    Path config = dir.resolve("patronictl.yml");
    Files.writeString(
        config,
        "scope: "
            + cluster.scope()
            + "\nnamespace: /service/\netcd3:\n  hosts: "
            + cluster.etcdEndpoints().get(0).replace("http://", "")
            + "\n");
    try (Writers writers = new Writers("patronictl", 8)) {
      writers.awaitCommits(100);
      LocalPghaCluster.Node leader = cluster.awaitHealthy(WAIT);
      LocalPghaCluster.Node candidate = cluster.othersThan(leader).get(1);
      // Refused (412) while the candidate's member key still shows the writers' lag, as the API
      // refuses an operator: patronictl says so and exits; ask again, as an operator would.
      String[] out = new String[1];
      await()
          .atMost(WAIT)
          .until(
              () ->
                  !(out[0] =
                          run(
                              patronictl.toString(),
                              "-c",
                              config.toString(),
                              "switchover",
                              "--candidate",
                              candidate.name,
                              "--force"))
                      .contains("412"));
      LocalPghaCluster.Node promoted;
      try {
        promoted = cluster.awaitNewPrimary(leader, WAIT);
      } catch (IllegalStateException e) {
        throw new AssertionError("patronictl said: " + out[0], e);
      }
      assertThat(promoted).as(out[0]).isSameAs(candidate);
      long after = writers.commits.get();
      await().atMost(WAIT).until(() -> writers.commits.get() > after + 50);
      writers.stopAndCheck();
    }
  }

  private static LocalPghaCluster.ApiResponse switchover(
      LocalPghaCluster.Node leader, LocalPghaCluster.Node candidate) throws Exception {
    return leader.api(
        "POST",
        "/switchover",
        "{\"leader\": \"" + leader.name + "\", \"candidate\": \"" + candidate.name + "\"}");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Threads that each commit short transactions with unique keys, without any retry. */
  static final class Writers implements AutoCloseable {
    private final String name;
    private final ExecutorService pool;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong longestNanos = new AtomicLong();
    final AtomicLong commits = new AtomicLong();

    Writers(String name, int threads) {
      this.name = name;
      this.pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        int id = t;
        pool.execute(() -> write(id));
      }
    }

    private void write(int id) {
      for (int i = 0; !stop.get(); i++) {
        String key = name + "-" + id + "-" + i;
        long start = System.nanoTime();
        try (Connection c = ds.getConnection()) {
          c.setAutoCommit(false);
          try (PreparedStatement ps = c.prepareStatement("insert into units values (?)")) {
            ps.setString(1, key);
            ps.executeUpdate();
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          failures.add(new AssertionError("transaction " + key + " failed", e));
          continue;
        }
        committed.add(key);
        commits.incrementAndGet();
        longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
      }
    }

    void awaitCommits(long n) {
      long target = commits.get() + n;
      await().atMost(WAIT).until(() -> commits.get() >= target || !failures.isEmpty());
      assertNoFailure();
    }

    void assertNoFailure() {
      assertThat(failures).isEmpty();
    }

    void stopAndCheck() throws Exception {
      close();
      assertNoFailure();
      List<String> stored = new ArrayList<>();
      try (Connection c = cluster.awaitHealthy(WAIT).connect();
          PreparedStatement ps = c.prepareStatement("select k from units where k like ?")) {
        ps.setString(1, name + "-%");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            stored.add(rs.getString(1));
          }
        }
      }
      assertThat(new HashSet<>(stored)).isEqualTo(committed);
      LOG.info(
          "{}: {} transactions committed, none failed; the longest took {} ms",
          name,
          committed.size(),
          TimeUnit.NANOSECONDS.toMillis(longestNanos.get()));
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }
}
