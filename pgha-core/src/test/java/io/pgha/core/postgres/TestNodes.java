package io.pgha.core.postgres;

import io.pgha.testkit.OsUser;
import io.pgha.testkit.Testkit;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Directories, ports, OS user and signals for tests that run PostgreSQL through the controller. */
final class TestNodes {

  static final String SUPERUSER_PASSWORD = "su-Secret-1";
  static final String REPLICATION_PASSWORD = "repl-Secret-2";
  static final String REWIND_PASSWORD = "rw-Secret-3";

  private TestNodes() {}

  /** The OS user PostgreSQL runs as in tests (the test kit's), or null when no switch is needed. */
  static String runAsUser() {
    OsUser user = OsUser.forPostgres();
    return user.needsSwitch() ? user.name() : null;
  }

  /** A fresh directory for one test class, under the module's target/testkit. */
  static Path newWorkDir(String prefix) {
    return Testkit.newWorkDir(prefix);
  }

  static int freePort() {
    return Testkit.freePort();
  }

  static PostgresConfig.Builder config(String name, Path workDir, int port) {
    return PostgresConfig.builder(name, workDir.resolve(name))
        .port(port)
        .superuser("postgres", SUPERUSER_PASSWORD)
        .replication("replicator", REPLICATION_PASSWORD)
        .rewind("rewinder", REWIND_PASSWORD)
        .runAsUser(runAsUser())
        // Tests trade durability for speed on a shared disk; everything pg_rewind needs stays on.
        .initdbOptions(List.of("--data-checksums", "--encoding=UTF8", "--no-sync"))
        .parameter("fsync", "off")
        .parameter("shared_buffers", "16MB")
        .parameter("max_connections", "30")
        .parameter("wal_keep_size", "64MB");
  }

  static Upstream upstreamOf(PostgresController controller) {
    return new Upstream(controller.config().connectHost(), controller.config().port());
  }

  /** Sends a signal to the postmaster and all its children (SIGSTOP / SIGCONT pause them all). */
  static void signalAll(long postmasterPid, String signal)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    ProcessHandle.of(postmasterPid)
        .ifPresent(
            h -> {
              command.add(Long.toString(h.pid()));
              h.descendants().forEach(d -> command.add(Long.toString(d.pid())));
            });
    Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
    kill.waitFor(10, TimeUnit.SECONDS);
  }

  static void execute(PostgresController controller, String sql) throws SQLException {
    try (Connection c = controller.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static List<Integer> ids(PostgresController controller) {
    try (Connection c = controller.connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
      List<Integer> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
      return ids;
    } catch (SQLException e) {
      return List.of(-1);
    }
  }

  /** Stops every controller's PostgreSQL (immediate) and kills what is left. */
  static void stopAll(List<PostgresController> controllers) {
    for (PostgresController controller : controllers) {
      try {
        controller.stop(StopMode.IMMEDIATE, java.time.Duration.ofSeconds(20));
      } catch (RuntimeException e) {
        controller
            .pid()
            .ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
      controller.close();
    }
  }
}
