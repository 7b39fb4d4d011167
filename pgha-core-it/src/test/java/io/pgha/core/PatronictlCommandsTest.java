package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.testkit.Patronictl;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.ApiResponse;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Patroni's own {@code patronictl} (3.0.2, Debian package {@code patroni}) against a real 3-member
 * pgha cluster, command by command; one cluster for the class, the scenarios in order. The commands
 * the sidecar's {@code PatroniToolsCompatibilityTest} covers (switchover, failover, pause,
 * edit-config) are not repeated here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatronictlCommandsTest {
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private static LocalPghaCluster cluster;
  private static Patronictl patronictl;

  @BeforeAll
  static void startCluster() throws SQLException {
    assumeTrue(
        Patronictl.binary().isPresent(), "patronictl is not installed (apt install patroni)");
    cluster =
        new LocalPghaCluster(
            3, Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(2));
    cluster.startAll();
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id int PRIMARY KEY)");
    primary.execute("INSERT INTO t VALUES (1)");
    for (Node n : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(n::isStreamingReplica);
    }
    String etcd = cluster.etcdEndpoints().get(0).replace("http://", "");
    patronictl =
        Patronictl.forCluster(
            cluster.nodes().get(0).dataDir().getParent().getParent(),
            etcd,
            "/service",
            cluster.scope());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void reinitClonesAReplicaAgainFromTheLeader() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node replica = cluster.othersThan(primary).get(0);
    String systemIdentifier = systemIdentifier(primary);
    Path marker = replica.dataDir().resolve("reinit-marker");
    Files.writeString(marker, "left by the test");

    String out = patronictl.run("reinit", cluster.scope(), replica.name, "--force").ok();

    assertThat(out).contains("Success: reinitialize for member " + replica.name);
    await().atMost(CONVERGE).until(() -> !Files.exists(marker));
    await().atMost(CONVERGE).until(replica::isStreamingReplica);
    assertThat(systemIdentifier(replica)).isEqualTo(systemIdentifier);
    primary.execute("INSERT INTO t VALUES (2)");
    await().atMost(CONVERGE).until(() -> count(replica) == 2);
  }

  @Test
  @Order(2)
  void reinitIsRefusedOnTheLeader() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Path marker = primary.dataDir().resolve("reinit-marker");
    Files.writeString(marker, "left by the test");

    ApiResponse r = primary.api("POST", "/reinitialize", "{\"force\": true}");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("I am the leader, can not reinitialize");
    assertThat(marker).exists();
    assertThat(primary.isWritablePrimary()).isTrue();
    Files.delete(marker);
  }

  private static String systemIdentifier(Node n) throws SQLException {
    try (Connection c = n.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Node n) {
    try (Connection c = n.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }
}
