package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.jdbc.routing.PghaSqlStates;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The static-host source over plain PostgreSQL servers, with no agent at all. */
class StaticHostSourceTest {

  private static LocalPostgres a;
  private static LocalPostgres b;

  @BeforeAll
  static void startServers() {
    a = LocalPostgres.builder("static-a").start();
    b = LocalPostgres.builder("static-b").start();
  }

  @AfterAll
  static void stopServers() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static PghaDataSourceConfig.Builder config(LocalPostgres... servers) {
    return PghaDataSourceConfig.builder()
        .staticHosts(List.of(servers).stream().map(s -> s.host() + ":" + s.port()).toList())
        .username(LocalPostgres.SUPERUSER)
        .pollInterval(Duration.ofMillis(100))
        .replayLagProbeInterval(Duration.ZERO);
  }

  static int port(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select inet_server_port()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void theOnlyServerOutOfRecoveryLeadsAndTakesReadsAsFallback() throws SQLException {
    try (TopologyAwareDataSource ds = new TopologyAwareDataSource(config(a).build())) {
      assertThat(ds.topology().leaderName()).isEqualTo(a.host() + ":" + a.port());
      try (Connection w = ds.getConnection();
          Connection r = ds.readOnly().getConnection()) {
        assertThat(port(w)).isEqualTo(a.port());
        assertThat(port(r)).isEqualTo(a.port());
      }
    }
  }

  @Test
  void twoServersOutOfRecoveryMeanNoLeader() throws SQLException {
    try (TopologyAwareDataSource ds =
        new TopologyAwareDataSource(
            config(a, b).leaderWaitTimeout(Duration.ofMillis(500)).build())) {
      assertThat(ds.topology().leaderName()).isNull();
      assertThat(ds.topology().members()).allMatch(m -> m.role() == MemberRole.PRIMARY);
      try (Connection w = ds.getConnection()) {
        assertThatThrownBy(() -> port(w))
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo(PghaSqlStates.NO_LEADER);
      }
    }
  }

  @Test
  void writesWaitThroughACrashAndRestartInPlace() throws Exception {
    try (TopologyAwareDataSource ds =
        new TopologyAwareDataSource(config(a).leaderWaitTimeout(Duration.ofSeconds(30)).build())) {
      TransactionRetrier retrier =
          TransactionRetrier.builder(ds).maxAttempts(10).idempotent(true).build();
      retrier.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              return s.execute("create table if not exists crash (x int)");
            }
          });
      a.kill();
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ds.topology().writableLeader().isEmpty());
        CompletableFuture<Integer> write =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return retrier.inTransaction(
                        c -> {
                          try (Statement s = c.createStatement()) {
                            return s.executeUpdate("insert into crash values (1)");
                          }
                        });
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        a.start();
        assertThat(write.get(30, TimeUnit.SECONDS)).isEqualTo(1);
      } finally {
        if (!a.isRunning()) {
          a.start();
        }
      }
    }
  }

  @Test
  void aStreamingReplicaTakesReadsUntilItStopsReplaying() throws Exception {
    try (LocalPostgres replica = LocalPostgres.builder("static-r").replicaOf(a).start();
        TopologyAwareDataSource ds =
            new TopologyAwareDataSource(
                config(a, replica)
                    .maxReplicaLagBytes(64 * 1024)
                    .replayLagProbeInterval(Duration.ofMillis(100))
                    .build())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> ds.readableReplicas().equals(List.of(replica.host() + ":" + replica.port())));
      try (Connection r = ds.readOnly().getConnection()) {
        assertThat(port(r)).isEqualTo(replica.port());
      }
      try (Connection c = replica.connect();
          Statement s = c.createStatement()) {
        s.execute("select pg_wal_replay_pause()");
        try (Connection w = a.connect();
            Statement ws = w.createStatement()) {
          ws.execute("create table if not exists pad (x text)");
          ws.execute("insert into pad select repeat('x', 200) from generate_series(1, 5000)");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ds.readableReplicas().isEmpty());
        try (Connection r = ds.readOnly().getConnection()) {
          assertThat(port(r)).isEqualTo(a.port()); // fallback to the leader
        }
        s.execute("select pg_wal_replay_resume()");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> ds.readableReplicas().size() == 1);
    }
  }

  @Test
  void noServerAnsweringAtStartIsAClearError() {
    assertThatThrownBy(
            () ->
                new TopologyAwareDataSource(
                    PghaDataSourceConfig.builder().staticHosts(List.of("127.0.0.1:1")).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("static hosts [127.0.0.1:1]")
        .hasMessageContaining("no server answered");
  }
}
