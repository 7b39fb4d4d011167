package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real PostgreSQL server paused, resumed, killed and restarted on the same data. */
class LocalPostgresTest {

  @Test
  void survivesPauseKillAndRestartOnTheSameData() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder("lifecycle").start()) {
      assertThat(pg.host()).isEqualTo("127.0.0.1");
      assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres");
      try (Connection connection = pg.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE t (v text)");
        statement.execute("INSERT INTO t VALUES ('before-crash')");
        // A backend serves this connection: pausing must freeze it too, not only the postmaster.
        assertThat(backendPids(pg)).isNotEmpty();

        pg.pause();
        assertThat(pg.isPaused()).isTrue();
        // A socket timeout, not a statement timeout: the cancel request would hang on the frozen
        // postmaster too, and pgjdbc waits for it (10 s).
        connection.setNetworkTimeout(Runnable::run, 2000);
        assertThatThrownBy(() -> statement.executeQuery("SELECT 1"))
            .isInstanceOf(SQLException.class)
            .hasRootCauseInstanceOf(SocketTimeoutException.class);

        pg.resume();
        assertThat(pg.isPaused()).isFalse();
      }
      try (Connection connection = pg.connect()) {
        assertThat(query(connection, "SELECT v FROM t")).isEqualTo("before-crash");
      }

      List<Long> backends = backendPids(pg);
      long postmaster = pg.pid();
      pg.kill();
      assertThat(pg.isRunning()).isFalse();
      assertThat(ProcessTree.identify(postmaster)).isEmpty();
      assertThat(backends).allSatisfy(pid -> assertThat(ProcessTree.identify(pid)).isEmpty());
      assertThatThrownBy(pg::connect)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Connection to 127.0.0.1:" + pg.port() + " refused");

      pg.start();
      assertThat(pg.pid()).isNotEqualTo(postmaster);
      try (Connection connection = pg.connect()) {
        assertThat(query(connection, "SELECT v FROM t")).isEqualTo("before-crash");
      }

      pg.restart();
      try (Connection connection = pg.connect()) {
        assertThat(query(connection, "SELECT count(*) FROM t")).isEqualTo("1");
      }
      assertThat(Files.readString(pg.logFile()))
          .contains("database system is ready to accept connections");
    }
  }

  @Test
  void closeWhilePausedLeavesNoProcessBehind() throws Exception {
    LocalPostgres pg = LocalPostgres.builder("paused-close").start();
    Connection connection = pg.connect();
    List<ProcessTree.Pid> children = ProcessTree.descendants(pg.pid());
    TrackedProcess tracked =
        ProcessTracker.all().stream().filter(p -> p.pid() == pg.pid()).findFirst().orElseThrow();
    pg.pause();

    pg.close();

    assertThat(tracked.released()).isTrue();
    assertThat(tracked.alivePids()).isEmpty();
    assertThat(children).isNotEmpty().noneMatch(ProcessTree.Pid::isAlive);
    connection.abort(Runnable::run);
    assertThatThrownBy(pg::start).hasMessageContaining("it is closed");
  }

  @Test
  void appliesParametersAndListensOnLoopbackOnly() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder("params").parameter("work_mem", "7MB").start();
        Connection connection = pg.connect()) {
      assertThat(query(connection, "SHOW work_mem")).isEqualTo("7MB");
      assertThat(query(connection, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(query(connection, "SHOW unix_socket_directories"))
          .isEqualTo(pg.socketDir().toString());
      assertThat(query(connection, "SELECT current_user")).isEqualTo("postgres");
    }
  }

  @Test
  void rejectsParametersTheKitManages() {
    assertThatThrownBy(() -> LocalPostgres.builder("x").parameter("port", "5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'port' is managed by the test kit");
    assertThatThrownBy(() -> LocalPostgres.builder("bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name 'bad name'");
  }

  /** PIDs of every process the postmaster forked (backends and auxiliary processes). */
  private static List<Long> backendPids(LocalPostgres pg) {
    return ProcessTree.descendants(pg.pid()).stream().map(ProcessTree.Pid::pid).toList();
  }

  private static String query(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }
}
