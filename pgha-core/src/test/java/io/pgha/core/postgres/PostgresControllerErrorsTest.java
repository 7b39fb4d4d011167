package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.core.postgres.PostgresControlException.Kind;
import io.pgha.testkit.OsUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each failure gives an exception that names its cause, never a password, and keeps the data. */
class PostgresControllerErrorsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Path work;
  private final List<PostgresController> controllers = new ArrayList<>();

  @BeforeEach
  void workDir() {
    work = TestNodes.newWorkDir("postgres-errors");
  }

  @AfterEach
  void stopAll() {
    TestNodes.stopAll(controllers);
    assertThat(controllers).noneMatch(PostgresController::isRunning);
  }

  private PostgresController controller(PostgresConfig.Builder builder) {
    PostgresController controller = new PostgresController(builder.build());
    controllers.add(controller);
    return controller;
  }

  private PostgresConfig.Builder config(String name) throws IOException {
    return TestNodes.config(name, work, TestNodes.freePort());
  }

  private static AbstractThrowableAssert<?, ?> assertFailure(
      Runnable action, Kind kind, String... fragments) {
    PostgresControlException e = catchControl(action);
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
    assertThat(e.getMessage())
        .contains(fragments)
        .doesNotContain(
            TestNodes.SUPERUSER_PASSWORD,
            TestNodes.REPLICATION_PASSWORD,
            TestNodes.REWIND_PASSWORD);
    return assertThat(e);
  }

  private static PostgresControlException catchControl(Runnable action) {
    try {
      action.run();
    } catch (PostgresControlException e) {
      return e;
    }
    throw new AssertionError("expected a PostgresControlException");
  }

  @Test
  void missingBinaryNamesTheDirectory() throws IOException {
    PostgresConfig config = config("pg-nobin").binDir(Path.of("/nonexistent/pg/bin")).build();
    assertFailure(
        () -> new PostgresController(config),
        Kind.MISSING_BINARY,
        "postgresql.binDir (/nonexistent/pg/bin)",
        "'postgres'");
  }

  @Test
  void dataDirectoryOwnedBySomeoneElseIsRefused() throws IOException {
    assumeTrue(
        OsUser.forPostgres().needsSwitch(), "needs a root JVM running PostgreSQL as another user");
    PostgresController controller = controller(config("pg-owned"));
    Files.createDirectory(controller.config().dataDir());
    assertFailure(
        () -> controller.bootstrap(TIMEOUT),
        Kind.DATA_DIR_NOT_OWNED,
        controller.config().dataDir().toString(),
        "belongs to OS user 'root'",
        "runs as '" + OsUser.forPostgres().name() + "'");
  }

  @Test
  void nonEmptyDataDirectoryIsRefusedAndKept() throws IOException {
    PostgresController controller = controller(config("pg-full"));
    Path dir = OsUser.forPostgres().createOwnedDirectory(controller.config().dataDir());
    Path precious = Files.writeString(dir.resolve("precious.txt"), "keep me");
    assertFailure(
        () -> controller.bootstrap(TIMEOUT),
        Kind.DATA_DIR_NOT_EMPTY,
        dir.toString(),
        "precious.txt",
        "removeDataDirAllowed");
    assertFailure(
        () -> controller.createReplica(new Upstream("127.0.0.1", 1), TIMEOUT),
        Kind.DATA_DIR_NOT_EMPTY,
        "precious.txt");
    assertThat(precious).hasContent("keep me");
  }

  @Test
  void portInUseIsNamed() throws IOException {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      PostgresController controller = controller(config("pg-port").port(squatter.getLocalPort()));
      assertFailure(
          () -> controller.bootstrap(TIMEOUT),
          Kind.PORT_IN_USE,
          "port " + squatter.getLocalPort(),
          "127.0.0.1");
      assertThat(controller.isRunning()).isFalse();
      // The cluster this bootstrap had just created is discarded, so a retry can start afresh.
      try (var entries = Files.list(controller.config().dataDir())) {
        assertThat(entries).isEmpty();
      }
    }
  }

  @Test
  void failedInitdbShowsItsOutput() throws IOException {
    PostgresController controller =
        controller(config("pg-initdb").initdbOptions(List.of("--encoding=NO_SUCH_ENCODING")));
    assertFailure(
        () -> controller.bootstrap(TIMEOUT),
        Kind.INITDB_FAILED,
        "initdb into " + controller.config().dataDir(),
        "initdb exited with status 1",
        "NO_SUCH_ENCODING");
  }

  @Test
  void failedBasebackupNamesTheSourceAndLeavesTheDirectoryEmpty() throws IOException {
    int nobody = TestNodes.freePort();
    PostgresController controller = controller(config("pg-clone"));
    assertFailure(
        () -> controller.createReplica(new Upstream("127.0.0.1", nobody), TIMEOUT),
        Kind.CLONE_FAILED,
        "pg_basebackup from 127.0.0.1:" + nobody,
        "as replicator",
        "pg_basebackup exited with status 1");
    try (var entries = Files.list(controller.config().dataDir())) {
      assertThat(entries).isEmpty();
    }
  }

  @Test
  void startingWithoutAClusterAndPromotingAStoppedServerAreRefused() throws IOException {
    PostgresController controller = controller(config("pg-empty"));
    assertFailure(
        () -> controller.startAsPrimary(TIMEOUT), Kind.DATA_DIR_MISSING, "holds no cluster");
    assertFailure(
        () -> controller.promote(TIMEOUT, s -> {}), Kind.WRONG_STATE, "needs a running standby");
    assertThat(controller.probe().running()).isFalse();
  }

  @Test
  void rewindFailureWithoutRemovalKeepsTheDataAndExplains() throws IOException {
    // A cluster whose leader cannot be read: the demotion stops before touching the data.
    PostgresController controller = controller(config("pg-rewind"));
    controller.bootstrap(TIMEOUT);
    int nobody = TestNodes.freePort();
    assertFailure(
        () -> controller.demote(new Upstream("127.0.0.1", nobody), TIMEOUT),
        Kind.SQL_FAILED,
        "new leader 127.0.0.1:" + nobody,
        "as rewinder");
    assertThat(controller.isRunning()).isFalse();
    assertThat(controller.isInitialized()).isTrue();
  }

  @Test
  void aLeaderFromAnotherClusterIsNeverFollowedNorClonedOver() throws IOException {
    PostgresController other = controller(config("pg-other"));
    other.bootstrap(TIMEOUT);
    PostgresController mine = controller(config("pg-mine").removeDataDirAllowed(true));
    mine.bootstrap(TIMEOUT);
    assertFailure(
        () -> mine.demote(TestNodes.upstreamOf(other), TIMEOUT),
        Kind.SYSTEM_ID_MISMATCH,
        "belongs to another cluster",
        "data directory is kept");
    assertThat(mine.isRunning()).isFalse();
    assertThat(mine.isInitialized()).isTrue();
  }
}
