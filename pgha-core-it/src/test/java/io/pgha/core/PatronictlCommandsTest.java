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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  @Test
  @Order(3)
  void listShowsTheLeaderAndTwoRunningReplicas() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    String list = patronictl.run("list", cluster.scope()).ok();
    assertThat(Patronictl.row(list, primary.name)).contains("Leader").contains("running");
    for (Node replica : cluster.othersThan(primary)) {
      assertThat(Patronictl.row(list, replica.name)).contains("Replica").contains("running");
    }
  }

  @Test
  @Order(4)
  void topologyIndentsTheReplicasUnderTheLeader() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    String topology = patronictl.run("topology", cluster.scope()).ok();
    assertThat(Patronictl.row(topology, primary.name)).contains("Leader");
    for (Node replica : cluster.othersThan(primary)) {
      assertThat(topology).contains("| + " + replica.name + " ");
    }
  }

  @Test
  @Order(5)
  void dsnNamesTheLeaderOrTheMemberAsked() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node replica = cluster.othersThan(primary).get(0);
    assertThat(patronictl.run("dsn", cluster.scope()).ok().trim())
        .isEqualTo("host=127.0.0.1 port=" + primary.pgPort);
    assertThat(patronictl.run("dsn", cluster.scope(), "-m", replica.name).ok().trim())
        .isEqualTo("host=127.0.0.1 port=" + replica.pgPort);
  }

  @Test
  @Order(6)
  void reloadIsReceivedByEveryMember() {
    String out = patronictl.run("reload", cluster.scope(), "--force").ok();
    for (Node n : cluster.nodes()) {
      assertThat(out).contains("Reload request received for member " + n.name);
    }
  }

  @Test
  @Order(7)
  void restartRestartsTheMemberNamed() {
    Node replica = cluster.othersThan(cluster.awaitHealthy(CONVERGE)).get(0);
    long pid = replica.postmasterPid().orElseThrow();

    String out = patronictl.run("restart", cluster.scope(), replica.name, "--force").ok();

    assertThat(out).contains("Success: restart on member " + replica.name);
    assertThat(replica.postmasterPid()).isPresent().isNotEqualTo(Optional.of(pid));
    await().atMost(CONVERGE).until(replica::isStreamingReplica);
  }

  @Test
  @Order(8)
  void restartPendingLeavesAMemberWithoutAPendingChangeRunning() {
    Node replica = cluster.othersThan(cluster.awaitHealthy(CONVERGE)).get(0);
    long pid = replica.postmasterPid().orElseThrow();

    String out =
        patronictl.run("restart", cluster.scope(), replica.name, "--pending", "--force").ok();

    assertThat(out)
        .contains(
            "Failed: restart for member "
                + replica.name
                + ", status code=503, (restart conditions are not satisfied)");
    assertThat(replica.postmasterPid()).contains(pid);
  }

  @Test
  @Order(9)
  void restartWithARoleFilterSkipsTheOtherRole() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    long pid = primary.postmasterPid().orElseThrow();

    ApiResponse r = primary.api("POST", "/restart", "{\"role\": \"replica\"}");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("restart conditions are not satisfied");
    assertThat(primary.postmasterPid()).contains(pid);
  }

  @Test
  @Order(10)
  void aScheduledRestartIsShownAndCarriedOutAtItsTime() {
    Node replica = cluster.othersThan(cluster.awaitHealthy(CONVERGE)).get(0);
    long pid = replica.postmasterPid().orElseThrow();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(6).withNano(0);

    String out =
        patronictl
            .run("restart", cluster.scope(), replica.name, "--scheduled", at.toString(), "--force")
            .ok();

    assertThat(out).contains("Success: restart scheduled on member " + replica.name);
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                Patronictl.row(patronictl.run("list", cluster.scope()).ok(), replica.name)
                    .contains(at.toLocalDate().toString()));
    await().atMost(CONVERGE).until(() -> replica.postmasterPid().filter(p -> p != pid).isPresent());
    assertThat(OffsetDateTime.now(ZoneOffset.UTC)).isAfterOrEqualTo(at);
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                !Patronictl.row(patronictl.run("list", cluster.scope()).ok(), replica.name)
                    .contains(at.toLocalDate().toString()));
    await().atMost(CONVERGE).until(replica::isStreamingReplica);
  }

  @Test
  @Order(11)
  void flushRestartCancelsAScheduledRestart() throws Exception {
    Node replica = cluster.othersThan(cluster.awaitHealthy(CONVERGE)).get(0);
    long pid = replica.postmasterPid().orElseThrow();
    String at = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0).toString();
    patronictl.run("restart", cluster.scope(), replica.name, "--scheduled", at, "--force").ok();
    await()
        .atMost(CONVERGE)
        .until(() -> patronictl.run("list", cluster.scope()).ok().contains("Scheduled restart"));

    String out = patronictl.run("flush", cluster.scope(), replica.name, "restart", "--force").ok();

    assertThat(out).contains("Success: flush scheduled restart for member " + replica.name);
    assertThat(replica.api("DELETE", "/restart", null).status()).isEqualTo(404);
    await()
        .atMost(CONVERGE)
        .until(() -> !patronictl.run("list", cluster.scope()).ok().contains("Scheduled restart"));
    assertThat(replica.postmasterPid()).contains(pid);
  }

  @Test
  @Order(12)
  void aScheduledSwitchoverIsStoredAndFlushCancelsIt() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node candidate = cluster.othersThan(primary).get(0);
    String at = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0).toString();

    String out = switchover(primary, candidate, "--scheduled", at);

    assertThat(out).contains("Switchover scheduled");
    assertThat(patronictl.run("list", cluster.scope()).ok()).contains("Switchover scheduled at");
    assertThat(patronictl.run("flush", cluster.scope(), "switchover").ok())
        .contains("Success: scheduled switchover deleted");
    assertThat(patronictl.run("list", cluster.scope()).ok()).doesNotContain("Switchover scheduled");
    assertThat(primary.isWritablePrimary()).isTrue();
  }

  @Test
  @Order(13)
  void switchoverNowThenHistoryRecordsTheNewTimeline() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node candidate = cluster.othersThan(primary).get(0);

    String out = switchover(primary, candidate);

    assertThat(out).contains("Successfully switched over to \"" + candidate.name + "\"");
    await().atMost(CONVERGE).until(candidate::isWritablePrimary);
    String history = patronictl.run("history", cluster.scope()).ok();
    assertThat(history).contains("no recovery target specified");
    assertThat(history.lines().filter(l -> l.startsWith("|  ")).count()).isPositive();
  }

  @Test
  @Order(14)
  void showConfigAndEditConfigChangeTheDynamicConfiguration() {
    assertThat(patronictl.run("show-config", cluster.scope()).ok())
        .contains("loop_wait: 1")
        .contains("ttl: 6");

    patronictl
        .run("edit-config", cluster.scope(), "--set", "maximum_lag_on_failover=2097152", "--force")
        .ok();

    assertThat(patronictl.run("show-config", cluster.scope()).ok())
        .contains("maximum_lag_on_failover: 2097152");
  }

  @Test
  @Order(15)
  void pauseAndResumeReachEveryMember() {
    patronictl.run("pause", cluster.scope(), "--wait").ok();
    assertThat(patronictl.run("list", cluster.scope()).ok()).contains("Maintenance mode: on");

    patronictl.run("resume", cluster.scope(), "--wait").ok();
    assertThat(patronictl.run("list", cluster.scope()).ok()).doesNotContain("Maintenance mode");
  }

  @Test
  @Order(16)
  void failoverToACandidateMovesTheLeader() {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node candidate = cluster.othersThan(primary).get(0);

    String out =
        patronictl.run("failover", cluster.scope(), "--candidate", candidate.name, "--force").ok();

    // patronictl 3.0.2 names the leader in a failover; pgha treats that as a switchover, as
    // Patroni 4 does, and answers in those words.
    assertThat(out).contains("Successfully switched over to \"" + candidate.name + "\"");
    await().atMost(CONVERGE).until(candidate::isWritablePrimary);
    assertThat(Patronictl.row(patronictl.run("list", cluster.scope()).ok(), candidate.name))
        .contains("Leader");
  }

  /** {@code patronictl switchover} from {@code leader} to {@code candidate}, forced. */
  private static String switchover(Node leader, Node candidate, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "switchover",
                cluster.scope(),
                "--leader",
                leader.name,
                "--candidate",
                candidate.name,
                "--force"));
    args.addAll(List.of(more));
    return patronictl.run(args.toArray(String[]::new)).ok();
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
