package io.pgha.core.postgres;

import static io.pgha.core.postgres.TestNodes.execute;
import static io.pgha.core.postgres.TestNodes.ids;
import static io.pgha.core.postgres.TestNodes.upstreamOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.core.config.ConnectionSecurity;
import io.pgha.testkit.TestCa;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * TLS to PostgreSQL that the client verifies: two real servers with {@code ssl=on} and a
 * certificate from a test CA; every connection pgha opens (the agent's own, pg_basebackup, the
 * standby's WAL receiver) uses {@code sslmode=verify-full}, and the server takes replication over
 * TLS only. A replica that trusts another CA cannot clone, and the error names the setting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresTlsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final List<PostgresController> all = new ArrayList<>();
  private Path work;
  private TestCa ca;
  private TestCa.Issued server;
  private PostgresController a;
  private PostgresController b;

  @BeforeAll
  void createControllers() {
    assumeTrue(TestCa.isAvailable(), TestCa.UNAVAILABLE);
    work = TestNodes.newWorkDir("postgres-tls");
    ca = TestCa.create();
    server = ca.issue("server", List.of("127.0.0.1"), List.of("localhost"));
    a = controller("tls-a", ca.caCert());
    b = controller("tls-b", ca.caCert());
  }

  private PostgresController controller(String name, Path trusted) {
    return controller(name, verifyFull(trusted));
  }

  private PostgresController controller(String name, ConnectionSecurity replication) {
    ConnectionSecurity verified = verifyFull(ca.caCert());
    PostgresController controller =
        new PostgresController(
            TestNodes.config(name, work, TestNodes.freePort())
                .superuser(new RoleCredentials("postgres", TestNodes.SUPERUSER_PASSWORD, verified))
                .replication(
                    new RoleCredentials("replicator", TestNodes.REPLICATION_PASSWORD, replication))
                .rewind(new RoleCredentials("rewinder", TestNodes.REWIND_PASSWORD, verified))
                .parameter("ssl", "on")
                .parameter("ssl_cert_file", server.cert().toString())
                .parameter("ssl_key_file", server.key().toString())
                .build());
    all.add(controller);
    return controller;
  }

  private static ConnectionSecurity verifyFull(Path trusted) {
    return new ConnectionSecurity(
        "verify-full", trusted, null, null, null, null, null, "require", null);
  }

  @AfterAll
  void stopEverything() {
    TestNodes.stopAll(all);
  }

  @Test
  @Order(1)
  void aReplicaClonesAndStreamsOverVerifiedTls() throws Exception {
    a.bootstrap(TIMEOUT);
    b.createReplica(upstreamOf(a), TIMEOUT);
    b.startAsStandby(upstreamOf(a), TIMEOUT);
    execute(a, "CREATE TABLE t (id int PRIMARY KEY)");
    execute(a, "INSERT INTO t VALUES (1)");

    await().atMost(Duration.ofSeconds(30)).until(() -> ids(b).equals(List.of(1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> walSenderUsesTls(a, "tls-b"));
    try (Connection c = a.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("the agent's own connection uses TLS").isTrue();
    }
  }

  @Test
  @Order(2)
  void theServerRefusesReplicationWithoutTls() {
    Properties props = new Properties();
    props.setProperty("user", "replicator");
    props.setProperty("password", TestNodes.REPLICATION_PASSWORD);
    props.setProperty("replication", "true");
    props.setProperty("assumeMinServerVersion", "9.4");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("sslmode", "disable");
    String url = "jdbc:postgresql://127.0.0.1:" + a.config().port() + "/postgres";
    assertThatThrownBy(() -> DriverManager.getConnection(url, props).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("no pg_hba.conf entry")
        .hasMessageContaining("no encryption");
  }

  @Test
  @Order(3)
  void aReplicaTrustingAnotherCaCannotCloneAndTheErrorNamesTheSetting() {
    TestCa other = TestCa.create("other-ca");
    PostgresController c = controller("tls-c", other.caCert());
    assertThatThrownBy(() -> c.createReplica(upstreamOf(a), TIMEOUT))
        .isInstanceOf(PostgresControlException.class)
        .hasMessageContaining("postgresql.authentication.replication")
        .hasMessageContaining("sslrootcert=" + other.caCert())
        .hasMessageContaining("certificate verify failed")
        .hasMessageNotContaining(TestNodes.REPLICATION_PASSWORD);
  }

  @Test
  @Order(4)
  void requireAuthIsRefusedWhenTheToolsPredatePostgres16() {
    ConnectionSecurity scramOnly =
        new ConnectionSecurity(
            "verify-full", ca.caCert(), null, null, null, null, null, null, "scram-sha-256");
    int major = RequireAuthCheck.major(new PostgresTools(PostgresTools.locateBinDir(null), null));
    if (major < 16) {
      assertThatThrownBy(() -> controller("tls-d", scramOnly))
          .isInstanceOf(PostgresControlException.class)
          .hasMessageContaining("postgresql.authentication.replication.require_auth")
          .hasMessageContaining("PostgreSQL 16");
    } else {
      assertThat(controller("tls-d", scramOnly).config().replication().security().requireAuth())
          .isEqualTo("scram-sha-256");
    }
  }

  private static boolean walSenderUsesTls(PostgresController primary, String standby)
      throws SQLException {
    try (Connection c = primary.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT l.ssl FROM pg_stat_replication r JOIN pg_stat_ssl l USING (pid)"
                    + " WHERE r.application_name = '"
                    + standby
                    + "' AND r.state = 'streaming'")) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
