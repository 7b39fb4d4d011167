package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.pgha.sidecar.SidecarCluster.Member;
import io.pgha.testkit.LocalHaproxy;
import io.pgha.testkit.Patronictl;
import io.pgha.testkit.Testkit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A three-member cluster run by the sidecar from Patroni configuration files, driven by the real
 * {@code patronictl} and fronted by a real HAProxy with the configuration {@code haproxy-config}
 * wrote. Each command is asserted by its effect on the cluster. The scenarios build on each other
 * (the leader moves), so they run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniToolsCompatibilityTest {
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static SidecarCluster cluster;
  private static Patronictl patronictl;
  private static LocalHaproxy haproxy;
  private static int primaryPort;
  private static int replicaPort;
  private static int defaultPort;
  private static int offlinePort;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(
        Patronictl.binary().isPresent(), "patronictl is not installed (apt install patroni)");
    assumeTrue(LocalHaproxy.binary().isPresent(), "haproxy is not installed (apt install haproxy)");
    cluster = new SidecarCluster(3);
    cluster.member("pg1").startInProcess();
    cluster.member("pg2").startInProcess();
    cluster.member("pg3").startAsProcess();
    cluster.awaitHealthy(CONVERGE);
    patronictl =
        Patronictl.forCluster(
            cluster.workDir, cluster.etcdHostPort(), SidecarCluster.NAMESPACE, cluster.scope);

    primaryPort = Testkit.freePort();
    replicaPort = Testkit.freePort();
    defaultPort = Testkit.freePort();
    offlinePort = Testkit.freePort();
    String ports = primaryPort + "," + replicaPort + "," + defaultPort + "," + offlinePort;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Sidecar.execute(
            new String[] {
              "haproxy-config",
              "--bind",
              "127.0.0.1",
              "--ports",
              ports,
              cluster.member("pg1").configFile.toString()
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    String config = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(config).contains("members read from etcd");
    for (Member m : cluster.members) {
      assertThat(config)
          .contains("server " + m.name + " 127.0.0.1:" + m.pgPort + " check port " + m.apiPort);
    }
    haproxy = LocalHaproxy.start(config, primaryPort);
  }

  @AfterAll
  static void stopCluster() {
    if (haproxy != null) {
      haproxy.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void patronictlListShowsTheLeaderAndTheStreamingReplicas() throws Exception {
    Member leader = cluster.awaitHealthy(CONVERGE);
    String list = patronictl.run("list").ok();
    assertThat(list).contains("Cluster: " + cluster.scope);
    assertThat(Patronictl.row(list, leader.name)).contains("Leader").contains("running");
    for (Member m : cluster.members) {
      assertThat(Patronictl.row(list, m.name)).contains("127.0.0.1:" + m.pgPort);
      if (m != leader) {
        assertThat(Patronictl.row(list, m.name)).contains("Replica");
      }
    }
  }

  @Test
  @Order(2)
  void haproxySendsThePrimaryPortToTheLeaderAndTheReplicaPortToAReplica() throws Exception {
    Member leader = cluster.awaitHealthy(CONVERGE);
    awaitRouting(leader);
  }

  @Test
  @Order(3)
  void switchoverToACandidateMovesTheLeaderAndHaproxyFollows() throws Exception {
    Member leader = cluster.awaitHealthy(CONVERGE);
    Member candidate = cluster.members.stream().filter(m -> m != leader).findFirst().orElseThrow();
    String out = patronictl.run("switchover", "--candidate", candidate.name, "--force").ok();
    assertThat(out).contains(candidate.name);

    Member now = cluster.awaitHealthy(CONVERGE);
    assertThat(now).isEqualTo(candidate);
    assertThat(leaderKey()).isEqualTo(candidate.name);
    awaitRouting(candidate);

    String history = patronictl.run("history").ok();
    assertThat(history).contains(candidate.name);
  }

  @Test
  @Order(4)
  void failoverToACandidateMovesTheLeaderAndHaproxyFollows() throws Exception {
    Member leader = cluster.awaitHealthy(CONVERGE);
    Member candidate =
        cluster.members.stream()
            .filter(m -> m != leader && m.inProcess != null)
            .findFirst()
            .orElseThrow();
    patronictl.run("failover", "--candidate", candidate.name, "--force").ok();

    Member now = cluster.awaitHealthy(CONVERGE);
    assertThat(now).isEqualTo(candidate);
    assertThat(leaderKey()).isEqualTo(candidate.name);
    awaitRouting(candidate);
    assertThat(Patronictl.row(patronictl.run("list").ok(), candidate.name)).contains("Leader");
  }

  @Test
  @Order(5)
  void pauseAndResumeReachEveryMember() throws Exception {
    cluster.awaitHealthy(CONVERGE);
    patronictl.run("pause", "--wait").ok();
    for (Member m : cluster.members) {
      assertThat(apiGet(m, "/patroni")).contains("\"pause\":true");
    }
    assertThat(patronictl.run("list").ok()).contains("Maintenance mode: on");
    assertThat(patronictl.run("show-config").ok()).contains("pause: true");

    patronictl.run("resume", "--wait").ok();
    for (Member m : cluster.members) {
      assertThat(apiGet(m, "/patroni")).doesNotContain("\"pause\":true");
    }
    assertThat(patronictl.run("list").ok()).doesNotContain("Maintenance mode");
  }

  @Test
  @Order(6)
  void showConfigAndEditConfigChangeWhatTheAgentsUse() throws Exception {
    Member leader = cluster.awaitHealthy(CONVERGE);
    String config = patronictl.run("show-config").ok();
    assertThat(config).contains("ttl: 10").contains("loop_wait: 1").contains("retry_timeout: 2");

    patronictl.run("edit-config", "--set", "ttl=60", "--force").ok();
    assertThat(patronictl.run("show-config").ok()).contains("ttl: 60");
    // The leader renews its key on a lease of the new ttl: the agents read the edited key.
    long granted =
        SidecarCluster.await(
            Duration.ofSeconds(60),
            "a leader lease of 60 s",
            () -> leaderLeaseTtl().filter(t -> t == 60));
    assertThat(granted).isEqualTo(60);
    assertThat(leaderKey()).isEqualTo(leader.name);
  }

  @Test
  @Order(7)
  void sigtermOnTheLeadersSidecarHandsLeadershipOverAtOnce() throws Exception {
    Member child = cluster.member("pg3");
    Member leader = cluster.awaitHealthy(CONVERGE);
    if (leader != child) {
      patronictl.run("switchover", "--candidate", child.name, "--force").ok();
      assertThat(cluster.awaitHealthy(CONVERGE)).isEqualTo(child);
    }
    // The ttl is 60 s now: a new leader well before that means the key was released, not expired.
    int status = child.terminate();
    assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
    Member next =
        SidecarCluster.await(
            Duration.ofSeconds(30),
            "a new leader within 30 s of SIGTERM (lease ttl 60 s)",
            () ->
                cluster.members.stream()
                    .filter(m -> m != child && m.isWritablePrimary())
                    .findFirst());
    assertThat(leaderKey()).isEqualTo(next.name);
    assertThat(child.inRecovery()).as("the old leader's PostgreSQL is stopped").isEmpty();
    assertThat(memberKeys()).doesNotContain(child.name);
  }

  // ---- helpers ----

  /** Waits until HAProxy's primary port reaches {@code leader} and its replica port a replica. */
  private static void awaitRouting(Member leader) throws InterruptedException {
    SidecarCluster.await(
        CONVERGE,
        "HAProxy's primary port on " + leader,
        () -> through(primaryPort).filter(s -> !s.inRecovery() && s.port() == leader.pgPort));
    // Round robin over the replicas: several connections in a row, none to the leader (a new
    // leader leaves the replica service once its checks fail, a few seconds after promotion).
    Server replica =
        SidecarCluster.await(
            CONVERGE,
            "HAProxy's replica port on replicas only",
            () -> {
              Optional<Server> last = Optional.empty();
              for (int i = 0; i < 4; i++) {
                last = through(replicaPort).filter(Server::inRecovery);
                if (last.isEmpty()) {
                  return Optional.empty();
                }
              }
              return last;
            });
    assertThat(replica.port()).isNotEqualTo(leader.pgPort);
    SidecarCluster.await(
        CONVERGE,
        "HAProxy's default port on " + leader,
        () -> through(defaultPort).filter(s -> !s.inRecovery() && s.port() == leader.pgPort));
    SidecarCluster.await(
        CONVERGE,
        "HAProxy's offline port on a replica",
        () -> through(offlinePort).filter(s -> s.inRecovery() && s.port() != leader.pgPort));
  }

  record Server(boolean inRecovery, int port) {}

  private static Optional<Server> through(int haproxyPort) {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", SidecarCluster.SUPERUSER_PASSWORD);
    p.setProperty("connectTimeout", "3");
    p.setProperty("socketTimeout", "5");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + haproxyPort + "/postgres", p);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), inet_server_port()")) {
      return rs.next() ? Optional.of(new Server(rs.getBoolean(1), rs.getInt(2))) : Optional.empty();
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private static String apiGet(Member m, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
  }

  private static String prefix() {
    return SidecarCluster.NAMESPACE + "/" + cluster.scope + "/";
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String leaderKey() throws Exception {
    try (Client client =
        Client.builder().endpoints(cluster.etcd.clientEndpoints().get(0)).build()) {
      List<KeyValue> kvs =
          client.getKVClient().get(bytes(prefix() + "leader")).get(10, TimeUnit.SECONDS).getKvs();
      return kvs.isEmpty() ? "" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }
  }

  private static List<String> memberKeys() throws Exception {
    String members = prefix() + "members/";
    try (Client client =
        Client.builder().endpoints(cluster.etcd.clientEndpoints().get(0)).build()) {
      return client
          .getKVClient()
          .get(bytes(members), io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS)
          .getKvs()
          .stream()
          .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8).substring(members.length()))
          .toList();
    }
  }

  private static Optional<Long> leaderLeaseTtl() {
    try (Client client =
        Client.builder().endpoints(cluster.etcd.clientEndpoints().get(0)).build()) {
      List<KeyValue> kvs =
          client.getKVClient().get(bytes(prefix() + "leader")).get(10, TimeUnit.SECONDS).getKvs();
      if (kvs.isEmpty() || kvs.get(0).getLease() == 0) {
        return Optional.empty();
      }
      return Optional.of(
          client
              .getLeaseClient()
              .timeToLive(kvs.get(0).getLease(), LeaseOption.DEFAULT)
              .get(10, TimeUnit.SECONDS)
              .getGrantedTTL());
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
