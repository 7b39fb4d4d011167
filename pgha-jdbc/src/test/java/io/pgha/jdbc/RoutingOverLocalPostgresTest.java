package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.jdbc.routing.PghaSqlStates;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import io.pgha.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing decisions against two real PostgreSQL servers, with the topology driven by hand: which
 * server is "leader" or "replica" is what the topology says, so every routing rule can be put in an
 * exact situation (tags, lag, no leader, leader change).
 */
class RoutingOverLocalPostgresTest {

  private static LocalPostgres a;
  private static LocalPostgres b;
  private final List<PghaMetricsEvent> events = new CopyOnWriteArrayList<>();
  private TopologyAwareDataSource ds;
  private ManualTopologySource source;

  record PghaMetricsEvent(String kind, String detail) {}

  @BeforeAll
  static void startServers() {
    a = LocalPostgres.builder("route-a").start();
    b = LocalPostgres.builder("route-b").start();
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

  @AfterEach
  void closeDataSource() {
    if (ds != null) {
      ds.close();
    }
  }

  static Member primary(LocalPostgres pg) {
    return new Member(
        pg.name(), MemberRole.PRIMARY, "running", pg.host(), pg.port(), 0, true, null);
  }

  static Member replica(LocalPostgres pg, long lag, Map<String, Object> tags) {
    return new Member(
        pg.name(), MemberRole.REPLICA, "running", pg.host(), pg.port(), lag, true, tags);
  }

  private void start(Topology initial, PghaDataSourceConfig.Builder config) {
    source = new ManualTopologySource(initial);
    ds =
        new TopologyAwareDataSource(
            config
                .topologySource(source)
                .username(LocalPostgres.SUPERUSER)
                .replayLagProbeInterval(Duration.ZERO)
                .metrics(
                    new PghaMetrics() {
                      @Override
                      public void leaderChanged(String previous, String current) {
                        events.add(new PghaMetricsEvent("leader", previous + "->" + current));
                      }

                      @Override
                      public void routed(String member, boolean readOnly, boolean fallback) {
                        events.add(
                            new PghaMetricsEvent(
                                "routed",
                                member
                                    + (readOnly ? " ro" : " rw")
                                    + (fallback ? " fallback" : "")));
                      }

                      @Override
                      public void leaderWait(long waitedNanos, boolean gotLeader) {
                        events.add(new PghaMetricsEvent("wait", String.valueOf(gotLeader)));
                      }

                      @Override
                      public void failover(String member, String sqlState) {
                        events.add(new PghaMetricsEvent("failover", member + " " + sqlState));
                      }
                    })
                .build());
  }

  private static PghaDataSourceConfig.Builder config() {
    return PghaDataSourceConfig.builder().leaderWaitTimeout(Duration.ofSeconds(1));
  }

  static int port(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select inet_server_port()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static long backends(LocalPostgres pg, String applicationName) throws SQLException {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from pg_stat_activity where backend_type = 'client backend'"
                    + " and pid <> pg_backend_pid() and application_name = ?")) {
      ps.setString(1, applicationName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void readsGoToTheReplicaAndWritesToTheLeader() throws SQLException {
    start(new Topology(a.name(), List.of(primary(a), replica(b, 0, null))), config());
    try (Connection w = ds.getConnection();
        Connection r = ds.readOnly().getConnection()) {
      assertThat(port(w)).isEqualTo(a.port());
      assertThat(port(r)).isEqualTo(b.port());
      assertThat(r.isReadOnly()).isTrue();
    }
    assertThat(events)
        .contains(
            new PghaMetricsEvent("leader", "null->" + a.name()),
            new PghaMetricsEvent("routed", a.name() + " rw"),
            new PghaMetricsEvent("routed", b.name() + " ro"));
  }

  @Test
  void noloadbalanceTagAndLagBoundExcludeAReplica() throws SQLException {
    start(
        new Topology(a.name(), List.of(primary(a), replica(b, 0, Map.of("noloadbalance", true)))),
        config().maxReplicaLagBytes(1000));
    try (Connection r = ds.readOnly().getConnection()) {
      assertThat(port(r)).isEqualTo(a.port()); // fallback to the leader
    }
    assertThat(events).contains(new PghaMetricsEvent("routed", a.name() + " ro fallback"));

    source.publish(new Topology(a.name(), List.of(primary(a), replica(b, 5000, null))));
    assertThat(ds.readableReplicas()).isEmpty();
    source.publish(new Topology(a.name(), List.of(primary(a), replica(b, 999, null))));
    assertThat(ds.readableReplicas()).containsExactly(b.name());
  }

  @Test
  void aReplicaThatLostItsStreamIsSkippedUnlessAllDid() throws SQLException {
    // Two member names on server b: one streams, one lost its stream.
    Member streaming = replica(b, 0, null);
    Member lost =
        new Member("b-lost", MemberRole.REPLICA, "running", b.host(), b.port(), 0, false, null);
    start(new Topology(a.name(), List.of(primary(a), streaming, lost)), config());
    assertThat(ds.readableReplicas()).containsExactly(b.name());

    // Every replica lost its stream at once, as when the primary's host dies: reads stay on them.
    Member alsoLost =
        new Member(b.name(), MemberRole.REPLICA, "running", b.host(), b.port(), 0, false, null);
    source.publish(new Topology(a.name(), List.of(primary(a), alsoLost, lost)));
    assertThat(ds.readableReplicas()).containsExactlyInAnyOrder(b.name(), "b-lost");
    try (Connection r = ds.readOnly().getConnection()) {
      assertThat(port(r)).isEqualTo(b.port());
    }
  }

  @Test
  void withoutFallbackReadsFailWhenNoReplicaQualifies() throws SQLException {
    start(new Topology(a.name(), List.of(primary(a))), config().fallbackToLeader(false));
    try (Connection r = ds.readOnly().getConnection()) {
      assertThatThrownBy(() -> port(r))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no replica qualifies")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.NO_LEADER);
    }
  }

  @Test
  void aWriteWaitsForALeaderAndFailsWith08001WhenNoneComes() throws Exception {
    start(new Topology(null, List.of(replica(a, 0, null))), config());
    try (Connection w = ds.getConnection()) {
      assertThatThrownBy(() -> port(w))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no writable leader within 1000ms")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.NO_LEADER);
    }
    assertThat(events).contains(new PghaMetricsEvent("wait", "false"));

    // A leader that appears while a write waits is used at once.
    ds.close();
    start(
        new Topology(null, List.of(replica(a, 0, null))),
        config().leaderWaitTimeout(Duration.ofSeconds(20)));
    CompletableFuture<Integer> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try (Connection w = ds.getConnection()) {
                return port(w);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(200);
    assertThat(waiting).isNotDone();
    source.publish(new Topology(a.name(), List.of(primary(a))));
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(a.port());
  }

  @Test
  void aWriteHeldByADrainGoesToTheSuccessorOnceItRunsAsPrimaryWhileTheDrainStillStands()
      throws Exception {
    start(
        new Topology(a.name(), List.of(primary(a), replica(b, 0, null)), a.name()),
        config().leaderWaitTimeout(Duration.ofSeconds(20)));
    CompletableFuture<Integer> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try (Connection w = ds.getConnection()) {
                return port(w);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(200);
    assertThat(waiting).as("held while the leader drains").isNotDone();

    // The successor holds the key but still reports replica (promoting): still held.
    source.publish(new Topology(b.name(), List.of(replica(b, 0, null)), a.name()));
    Thread.sleep(200);
    assertThat(waiting).as("held while the successor promotes").isNotDone();

    // The successor reports primary; the drain key is not withdrawn yet.
    source.publish(new Topology(b.name(), List.of(primary(b)), a.name()));
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(b.port());
  }

  @Test
  void leaderChangeClosesIdleConnectionsAndAbortsBorrowedOnes() throws SQLException {
    String app = "pgha-evict-test";
    start(
        new Topology(a.name(), List.of(primary(a), replica(b, 0, null))),
        config().connectionProperty("ApplicationName", app));
    Connection borrowed = ds.getConnection();
    assertThat(port(borrowed)).isEqualTo(a.port());
    try (Connection other = ds.getConnection()) {
      assertThat(port(other)).isEqualTo(a.port());
    }
    assertThat(backends(a, app)).isEqualTo(2);

    source.publish(new Topology(b.name(), List.of(replica(a, 0, null), primary(b))));

    // The idle one is closed, the borrowed one aborted: a statement must not outlive its
    // member's place as the leader.
    await().atMost(Duration.ofSeconds(10)).until(() -> backends(a, app) == 0);
    // Between transactions, its next statement goes to the new leader.
    assertThat(port(borrowed)).isEqualTo(b.port());
    borrowed.close();
    try (Connection w = ds.getConnection()) {
      assertThat(port(w)).isEqualTo(b.port());
    }
  }

  @Test
  void aTransactionInFlightOnADeposedLeaderIsAbortedAndTheRetryGoesToTheNewOne()
      throws SQLException {
    start(new Topology(a.name(), List.of(primary(a), replica(b, 0, null))), config());
    try (Connection w = ds.getConnection()) {
      w.setAutoCommit(false);
      assertThat(port(w)).isEqualTo(a.port());
      source.publish(new Topology(b.name(), List.of(replica(a, 0, null), primary(b))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> b.name().equals(ds.topology().leaderName()));
      // Its server lost the leader key: whatever it commits now may be lost, so it is aborted.
      assertThatThrownBy(() -> port(w))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.FAILOVER_RETRY);
      w.rollback();
      // The retry starts on the new leader.
      assertThat(port(w)).isEqualTo(b.port());
      w.commit();
    }
  }

  @Test
  void brokenConnectionsRaiseRetryOrUnknownStates() throws SQLException {
    start(new Topology(a.name(), List.of(primary(a))), config());
    // In a transaction: the server dropped it, so it was rolled back -> retry.
    try (Connection w = ds.getConnection()) {
      w.setAutoCommit(false);
      terminate(backendPid(w));
      assertThatThrownBy(() -> port(w))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.FAILOVER_RETRY);
      w.rollback();
      // The connection binds again on the next statement.
      assertThat(port(w)).isEqualTo(a.port());
      w.commit();
    }
    // Auto-commit: the statement may have run before the connection broke -> unknown.
    try (Connection w = ds.getConnection()) {
      terminate(backendPid(w));
      assertThatThrownBy(() -> port(w))
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.TRANSACTION_STATE_UNKNOWN);
    }
    // A leader that turned read-only (demoted) rejects the write: rolled back -> retry.
    try (Connection w = ds.getConnection();
        Statement s = w.createStatement()) {
      s.execute("set default_transaction_read_only = on");
      assertThatThrownBy(() -> s.execute("create table demoted (x int)"))
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo(PghaSqlStates.FAILOVER_RETRY);
    }
    assertThat(events)
        .contains(
            new PghaMetricsEvent("failover", a.name() + " 08S02"),
            new PghaMetricsEvent("failover", a.name() + " 08007"));
  }

  @Test
  void aResultSetFetchingFromAServerThatWentAwayRaisesRetry() throws SQLException {
    start(new Topology(a.name(), List.of(primary(a))), config());
    try (Connection w = ds.getConnection()) {
      w.setAutoCommit(false); // pgjdbc fetches by batches only inside a transaction
      int pid = backendPid(w);
      try (Statement s = w.createStatement()) {
        s.setFetchSize(10);
        ResultSet rows = s.executeQuery("select g from generate_series(1, 1000) g");
        assertThat(rows.getStatement()).isSameAs(s);
        for (int i = 0; i < 10; i++) {
          assertThat(rows.next()).isTrue();
        }
        terminate(pid);
        // The next batch comes from a server connection that is gone: rolled back -> retry.
        assertThatThrownBy(
                () -> {
                  while (rows.next()) {
                    rows.getInt(1);
                  }
                })
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo(PghaSqlStates.FAILOVER_RETRY);
        // The physical connection was released: the result set is dead, closing it is fine.
        assertThatThrownBy(rows::next)
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo(PghaSqlStates.FAILOVER_RETRY);
        assertThat(rows.isClosed()).isTrue();
        rows.close();
      }
      w.rollback();
      assertThat(port(w)).isEqualTo(a.port());
    }
  }

  private static int backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void terminate(int pid) throws SQLException {
    try (Connection admin = a.connect();
        Statement s = admin.createStatement()) {
      s.execute("select pg_terminate_backend(" + pid + ", 5000)");
    }
  }
}
