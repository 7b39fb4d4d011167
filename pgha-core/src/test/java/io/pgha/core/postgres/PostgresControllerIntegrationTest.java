package io.pgha.core.postgres;

import static io.pgha.core.postgres.TestNodes.execute;
import static io.pgha.core.postgres.TestNodes.ids;
import static io.pgha.core.postgres.TestNodes.upstreamOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real PostgreSQL servers driven only by {@link PostgresController}: one bootstrapped, two
 * cloned, then synchronous replication, crash detection, promotion, following and pg_rewind. The
 * tests build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresControllerIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private PostgresController a;
  private PostgresController b;
  private PostgresController c;
  private List<PostgresController> all;
  private Thread cleanup;
  private Path work;

  @BeforeAll
  void createControllers() throws Exception {
    work = TestNodes.newWorkDir("postgres-control");
    a = new PostgresController(TestNodes.config("pg-a", work, TestNodes.freePort()).build());
    b = new PostgresController(TestNodes.config("pg-b", work, TestNodes.freePort()).build());
    c = new PostgresController(TestNodes.config("pg-c", work, TestNodes.freePort()).build());
    all = List.of(a, b, c);
    cleanup = new Thread(() -> TestNodes.stopAll(all));
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  @AfterAll
  void stopEverything() throws Exception {
    TestNodes.stopAll(all);
    Runtime.getRuntime().removeShutdownHook(cleanup);
    assertThat(all).noneMatch(PostgresController::isRunning);
    // PostgreSQL logs reloaded parameters with their values: no password may be among them.
    try (var files = java.nio.file.Files.list(work)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        assertThat(java.nio.file.Files.readString(log))
            .as(log.toString())
            .contains("database system is shut down")
            .doesNotContain(
                TestNodes.SUPERUSER_PASSWORD,
                TestNodes.REPLICATION_PASSWORD,
                TestNodes.REWIND_PASSWORD);
      }
    }
  }

  @Test
  @Order(1)
  void bootstrapThenTwoClonesStreamARowFromThePrimary() throws Exception {
    a.bootstrap(TIMEOUT);
    for (PostgresController replica : List.of(b, c)) {
      replica.createReplica(upstreamOf(a), TIMEOUT);
      replica.startAsStandby(upstreamOf(a), TIMEOUT);
    }
    execute(a, "CREATE TABLE t (id int PRIMARY KEY, v text)");
    execute(a, "INSERT INTO t VALUES (1, 'first')");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ids(b).equals(List.of(1)) && ids(c).equals(List.of(1)));
    assertThat(a.replication().slots()).extracting(ReplicationSlot::name).contains("pg_b", "pg_c");
    // Retrying a lost upstream every second (not PostgreSQL's 5 s) is what lets replicas stream
    // again soon after a failover.
    assertThat(show(b, "wal_retrieve_retry_interval")).isEqualTo("200ms");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(a.probe().replication())
                    .extracting(
                        ReplicationConnection::applicationName, ReplicationConnection::state)
                    .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("pg-b", "streaming"),
                        org.assertj.core.groups.Tuple.tuple("pg-c", "streaming")));
  }

  @Test
  @Order(2)
  void statusProbeMatchesWhatSqlReports() throws Exception {
    PostgresStatus primary = a.probe();
    try (Connection conn = a.connect();
        Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_is_in_recovery(), current_setting('server_version_num')::int,"
                    + " (SELECT system_identifier::text FROM pg_control_system()),"
                    + " pg_postmaster_start_time(), pg_walfile_name(pg_current_wal_lsn()),"
                    + " pg_current_wal_lsn()::text")) {
      rs.next();
      assertThat(primary.running()).isTrue();
      assertThat(primary.acceptingConnections()).isTrue();
      assertThat(primary.isStandby()).isEqualTo(rs.getBoolean(1)).isFalse();
      assertThat(primary.state()).isEqualTo(ServerState.PRIMARY);
      assertThat(primary.serverVersion()).isEqualTo(rs.getInt(2));
      assertThat(primary.systemIdentifier()).isEqualTo(rs.getString(3));
      assertThat(primary.postmasterStartTime().toInstant())
          .isEqualTo(rs.getObject(4, java.time.OffsetDateTime.class).toInstant());
      assertThat(primary.timeline())
          .isEqualTo(Integer.parseInt(rs.getString(5).substring(0, 8), 16))
          .isEqualTo(1);
      assertThat(primary.currentLsn().compareTo(Lsn.parse(rs.getString(6)))).isLessThanOrEqualTo(0);
      assertThat(primary.pendingRestart()).isFalse();
      assertThat(primary.replication())
          .allSatisfy(r -> assertThat(r.syncState()).isEqualTo("async"));
    }

    PostgresStatus standby = b.probe();
    assertThat(standby.isStandby()).isTrue();
    assertThat(standby.systemIdentifier()).isEqualTo(primary.systemIdentifier());
    assertThat(standby.timeline()).isEqualTo(1);
    assertThat(standby.walReceiverStatus()).isEqualTo("streaming");
    assertThat(standby.receivedLsn()).isNotNull();
    assertThat(standby.replayedLsn()).isNotNull();
    assertThat(standby.currentLsn()).isNull();
    assertThat(standby.replayPaused()).isFalse();
  }

  /**
   * The probe keeps one session (a new one per probe was most of an idle agent's CPU) and reads a
   * server that dropped it as answering, not as down.
   */
  @Test
  @Order(2)
  void theProbeKeepsOneSessionAndSurvivesItsTermination() throws Exception {
    a.probe();
    List<Integer> first = probeBackends(a);
    a.probe();
    a.probe();
    assertThat(probeBackends(a)).hasSize(1).isEqualTo(first);

    execute(a, "SELECT pg_terminate_backend(" + first.get(0) + ")");
    PostgresStatus afterTermination = a.probe();

    assertThat(afterTermination.acceptingConnections()).isTrue();
    assertThat(afterTermination.state()).isEqualTo(ServerState.PRIMARY);
    assertThat(probeBackends(a)).hasSize(1).doesNotContainAnyElementsOf(first);
  }

  /** The backends of the probe's sessions. */
  private static List<Integer> probeBackends(PostgresController controller) throws Exception {
    try (Connection conn = controller.connect();
        Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgha-"
                    + controller.config().name()
                    + "-probe' ORDER BY pid")) {
      List<Integer> pids = new ArrayList<>();
      while (rs.next()) {
        pids.add(rs.getInt(1));
      }
      return pids;
    }
  }

  @Test
  @Order(3)
  void aCommitWaitsForThePausedSynchronousStandbyAndCompletesWhenItResumes() throws Exception {
    a.replication().setSynchronousStandbys(SynchronousStandbys.first(1, List.of("pg-b")));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(a.probe().replication())
                    .filteredOn(r -> r.applicationName().equals("pg-b"))
                    .extracting(ReplicationConnection::syncState)
                    .containsExactly("sync"));
    long bPid = b.pid().orElseThrow();
    TestNodes.signalAll(bPid, "STOP");
    CompletableFuture<Void> commit;
    try {
      commit =
          CompletableFuture.runAsync(
              () -> {
                try {
                  execute(a, "INSERT INTO t VALUES (2, 'synchronous')");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !commit.isDone());
    } finally {
      TestNodes.signalAll(bPid, "CONT");
    }
    commit.get(30, TimeUnit.SECONDS);
    assertThat(ids(a)).contains(2);
    a.replication().setSynchronousStandbys(SynchronousStandbys.none());
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(c).contains(2));
  }

  @Test
  @Order(4)
  void aKilledPostmasterIsReportedAtOnceAndStartsAgain() throws Exception {
    LinkedBlockingQueue<PostmasterExit> exits = new LinkedBlockingQueue<>();
    c.addExitListener(exits::add);
    long pid = c.pid().orElseThrow();
    List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().descendants().toList();

    long killedAt = System.nanoTime();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    PostmasterExit exit = exits.poll(1, TimeUnit.SECONDS);
    org.slf4j.LoggerFactory.getLogger(getClass())
        .info("crash reported {} ms after kill -9", (System.nanoTime() - killedAt) / 1_000_000);
    assertThat(exit).isNotNull();
    assertThat(exit.pid()).isEqualTo(pid);
    assertThat(exit.requested()).isFalse();
    assertThat(c.isRunning()).isFalse();

    // Orphaned backends notice the postmaster's death and leave; only then may it start again.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    c.startAsStandby(upstreamOf(a), TIMEOUT);
    execute(a, "INSERT INTO t VALUES (3, 'after crash')");
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(c).contains(3));
  }

  @Test
  @Order(5)
  void promotedReplicaIsFollowedByTheOtherWithoutRestartAndTheOldPrimaryIsRewound()
      throws Exception {
    // Slots the new leader will serve (the HA agent keeps them on every member).
    b.replication().createSlot("pg_a");
    b.replication().createSlot("pg_c");
    long cPid = c.pid().orElseThrow();
    // The primary hangs (its host froze): no WAL reaches anyone until it comes back.
    long aPid = a.pid().orElseThrow();
    TestNodes.signalAll(aPid, "STOP");
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Lsn bReplayed = b.probe().replayedLsn();
                return bReplayed != null && bReplayed.equals(c.probe().replayedLsn());
              });

      // c is told to follow b before b's promotion has finished, as an agent quick to see the new
      // leader key is: the follow waits for the promotion instead of failing.
      java.util.concurrent.CompletableFuture<Void> follow =
          java.util.concurrent.CompletableFuture.runAsync(() -> c.follow(upstreamOf(b), true));
      // The probes of the standby kept a connection open: the promotion runs on it instead of
      // waiting for a new one, and is writable when it tells the caller so.
      int kept = keptConnection(b);
      List<String> atWritable = new java.util.ArrayList<>();
      Promotion promotion =
          b.promote(
              TIMEOUT,
              s -> {
                atWritable.add(String.valueOf(s.isReadWrite()));
                atWritable.add(lastQueryOf(b, kept));
              });
      assertThat(atWritable.get(0)).isEqualTo("true");
      assertThat(atWritable.get(1)).contains("pg_is_in_recovery()");
      assertThat(promotion.previousTimeline()).isEqualTo(1);
      assertThat(promotion.newTimeline()).isEqualTo(2);
      assertThat(promotion.switchLsn()).isNotNull();
      assertThat(b.probe().isStandby()).isFalse();
      assertThat(b.probe().timeline()).isEqualTo(2);

      follow.get(30, java.util.concurrent.TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  b.probe().replication().stream()
                      .anyMatch(r -> r.applicationName().equals("pg-c")));
      execute(b, "INSERT INTO t VALUES (10, 'new leader')");
      await().atMost(Duration.ofSeconds(30)).until(() -> ids(c).contains(10));
      assertThat(c.pid()).hasValue(cPid);
      assertThat(c.probe().timeline()).isEqualTo(2);
    } finally {
      TestNodes.signalAll(aPid, "CONT");
    }

    // The old primary kept taking writes on timeline 1: its history diverged.
    execute(a, "INSERT INTO t VALUES (99, 'divergent')");
    execute(a, "INSERT INTO t SELECT g, 'divergent' FROM generate_series(100, 1100) g");
    assertThat(ids(c)).doesNotContain(99);

    Demotion demotion = a.demote(upstreamOf(b), TIMEOUT);

    assertThat(demotion.outcome()).isEqualTo(Demotion.Outcome.REWOUND);
    assertThat(demotion.reason()).contains("diverged");
    execute(b, "INSERT INTO t VALUES (11, 'after rewind')");
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(a).equals(ids(b)));
    assertThat(ids(a)).containsExactly(1, 2, 3, 10, 11);
    PostgresStatus rejoined = a.probe();
    assertThat(rejoined.isStandby()).isTrue();
    assertThat(rejoined.timeline()).isEqualTo(2);
  }

  @Test
  @Order(6)
  void aCleanSwitchoverNeedsNoRewind() throws Exception {
    // b stops cleanly first, so a (its standby) has received everything before promoting.
    b.stop(StopMode.FAST, TIMEOUT);
    a.replication().createSlot("pg_b");
    a.replication().createSlot("pg_c");
    // The connection kept for the promotion broke meanwhile: the promotion opens another.
    a.probe();
    execute(a, "SELECT pg_terminate_backend(" + keptConnection(a) + ")");
    Promotion promotion = a.promote(TIMEOUT, s -> {});
    assertThat(promotion.newTimeline()).isEqualTo(3);
    c.follow(upstreamOf(a), true);

    Demotion demotion = b.demote(upstreamOf(a), TIMEOUT);

    assertThat(demotion.outcome()).isEqualTo(Demotion.Outcome.FOLLOWED);
    execute(a, "INSERT INTO t VALUES (12, 'switched over')");
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(b).contains(12) && ids(c).contains(12));
    // Slots it kept from its time as primary are the caller's to drop as membership changes.
    assertThat(b.replication().slots()).extracting(ReplicationSlot::name).contains("pg_a", "pg_c");
    assertThat(b.replication().dropSlot("pg_a")).isTrue();
    assertThat(b.replication().dropSlot("pg_a")).isFalse();
    assertThat(b.replication().slots()).extracting(ReplicationSlot::name).doesNotContain("pg_a");
    // The slot of a streaming standby: its WAL sender is ended first.
    assertThat(a.replication().dropSlot("pg_c")).isTrue();
    assertThat(a.replication().slots()).extracting(ReplicationSlot::name).containsExactly("pg_b");
  }

  @Test
  @Order(7)
  void dynamicParametersReloadOrWaitForARestart() throws Exception {
    a.setDynamicParameters(Map.of("work_mem", "7MB", "max_connections", "31"));
    assertThat(show(a, "work_mem")).isEqualTo("7MB");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Boolean.TRUE.equals(a.probe().pendingRestart()));
    assertThat(show(a, "max_connections")).isEqualTo("30");
    long before = a.pid().orElseThrow();

    a.restart(TIMEOUT);

    assertThat(a.pid()).isPresent().isNotEqualTo(java.util.OptionalLong.of(before));
    assertThat(show(a, "max_connections")).isEqualTo("31");
    assertThat(a.probe().pendingRestart()).isFalse();
    assertThat(a.probe().isStandby()).isFalse();
  }

  @Test
  @Order(8)
  void whenRewindFailsTheDataIsKeptUnlessRemovalIsAllowedThenItIsClonedAgain() throws Exception {
    // c becomes leader while a still writes: a diverges, then loses its WAL (a damaged disk).
    c.promote(TIMEOUT, s -> {});
    execute(a, "INSERT INTO t VALUES (200, 'divergent again')");
    execute(c, "INSERT INTO t VALUES (13, 'leader c')");
    a.stop(StopMode.FAST, TIMEOUT);
    try (var wal = java.nio.file.Files.list(a.config().dataDir().resolve("pg_wal"))) {
      for (Path segment :
          wal.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).toList()) {
        java.nio.file.Files.delete(segment);
      }
    }

    PostgresControlException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            PostgresControlException.class, () -> a.demote(upstreamOf(c), TIMEOUT));
    assertThat(refused.kind()).isEqualTo(PostgresControlException.Kind.REWIND_FAILED);
    assertThat(refused.getMessage())
        .contains(
            "pg_rewind exited with status 1", "removeDataDirAllowed is false", "stays stopped");
    assertThat(a.isRunning()).isFalse();
    assertThat(a.isInitialized()).isTrue();

    PostgresController reclonable =
        new PostgresController(
            TestNodes.config("pg-a", a.config().dataDir().getParent(), a.config().port())
                .removeDataDirAllowed(true)
                .build());
    try {
      Demotion demotion = reclonable.demote(upstreamOf(c), TIMEOUT);
      assertThat(demotion.outcome()).isEqualTo(Demotion.Outcome.RECLONED);
      await().atMost(Duration.ofSeconds(30)).until(() -> ids(reclonable).equals(ids(c)));
      assertThat(ids(reclonable)).contains(13).doesNotContain(200);
    } finally {
      reclonable.stop(StopMode.IMMEDIATE, TIMEOUT);
      reclonable.close();
    }
  }

  @Test
  @Order(9)
  void aStandbyThatReplayedPastTheSwitchIsRewoundAndAStandbyMayWaitForALeader() throws Exception {
    // b kept streaming from a after c's promotion, so it replayed a's divergent row.
    c.replication().createSlot("pg_b");
    Demotion demotion = b.demote(upstreamOf(c), TIMEOUT);
    assertThat(demotion.outcome()).isIn(Demotion.Outcome.REWOUND, Demotion.Outcome.FOLLOWED);
    execute(c, "INSERT INTO t VALUES (14, 'after b rejoined')");
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(b).equals(ids(c)));
    assertThat(ids(b)).contains(14).doesNotContain(200);

    b.stop(StopMode.FAST, TIMEOUT);
    b.startAsStandby(null, TIMEOUT);
    PostgresStatus waiting = b.probe();
    assertThat(waiting.isStandby()).isTrue();
    assertThat(waiting.walReceiverStatus()).isNull();

    // A second controller on the same data directory (an agent restarted) finds it running.
    PostgresController again =
        new PostgresController(
            TestNodes.config("pg-b", b.config().dataDir().getParent(), b.config().port()).build());
    try {
      assertThat(again.isRunning()).isTrue();
      assertThat(again.pid()).isEqualTo(b.pid());
    } finally {
      again.close();
    }

    b.follow(upstreamOf(c), true);
    execute(c, "INSERT INTO t VALUES (15, 'b follows again')");
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(b).contains(15));
  }

  /**
   * The backend of the one connection the controller keeps open between its probes. A connection
   * the controller closed a moment ago can still be listed while its backend exits (seen on a
   * loaded host), so the count must settle at one within a few seconds.
   */
  private static int keptConnection(PostgresController controller) throws Exception {
    List<Integer> pids = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              pids.clear();
              pids.addAll(keptConnections(controller));
              assertThat(pids).as("exactly one connection kept open").hasSize(1);
            });
    return pids.get(0);
  }

  private static List<Integer> keptConnections(PostgresController controller) throws Exception {
    List<Integer> pids = new ArrayList<>();
    try (Connection conn = controller.connect();
        Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND application_name = 'pgha-"
                    + controller.config().name()
                    + "' AND pid <> pg_backend_pid()")) {
      while (rs.next()) {
        pids.add(rs.getInt(1));
      }
    }
    return pids;
  }

  private static String lastQueryOf(PostgresController controller, int pid) {
    try (Connection conn = controller.connect();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT query FROM pg_stat_activity WHERE pid = " + pid)) {
      return rs.next() ? rs.getString(1) : "(no backend " + pid + ")";
    } catch (java.sql.SQLException e) {
      return e.toString();
    }
  }

  private static String show(PostgresController controller, String parameter) throws Exception {
    try (Connection conn = controller.connect();
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + parameter)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
