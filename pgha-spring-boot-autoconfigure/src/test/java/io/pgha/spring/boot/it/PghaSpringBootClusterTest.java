package io.pgha.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.spring.boot.FailoverRetry;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter in a real Spring Boot web application ({@link ItemsApplication}) against a real
 * 3-member pgha cluster (one etcd, three PostgreSQL servers, three agents, from pgha-core's test
 * jar): read-only service methods run on replicas, writes on the leader, the health endpoint names
 * the leader, and a host failure of the leader during a stream of HTTP requests fails none of them
 * with {@code @RetryOnFailover}. The application is started and closed by the test, so that it
 * stops before the cluster does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PghaSpringBootClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(PghaSpringBootClusterTest.class);
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static LocalPghaCluster cluster;
  private static Node switchoverApi;
  private static ConfigurableApplicationContext app;
  private static String base;

  @BeforeAll
  static void startClusterAndApplication() throws SQLException {
    cluster = new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    cluster.startAll();
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)");
    for (Node replica : cluster.othersThan(primary)) {
      await().atMost(CONVERGE).until(() -> hasItemsTable(replica));
    }
    // Switchover requests go to a replica's agent API: any member's API accepts them.
    switchoverApi = cluster.othersThan(primary).get(0);
    app =
        new SpringApplicationBuilder(ItemsApplication.class)
            .properties(
                Map.ofEntries(
                    Map.entry("server.port", "0"),
                    Map.entry("spring.main.banner-mode", "off"),
                    Map.entry("pgha.etcd.endpoints", cluster.etcdEndpoints().get(0)),
                    Map.entry("pgha.etcd.scope", cluster.scope()),
                    Map.entry("pgha.datasource.username", "postgres"),
                    Map.entry("pgha.datasource.password", LocalPghaCluster.superuserPassword()),
                    Map.entry("pgha.datasource.leader-wait-timeout", "60s"),
                    Map.entry("pgha.retry.max-attempts", "10"),
                    Map.entry("pgha.retry.wait", "200ms"),
                    Map.entry("management.endpoints.web.exposure.include", "health,pgha"),
                    Map.entry("management.endpoint.health.show-details", "always"),
                    Map.entry("pgha.actuator.switchover-enabled", "true"),
                    Map.entry("pgha.actuator.agent-api-url", switchoverApi.apiUrl().orElseThrow())))
            .run();
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopApplicationThenCluster() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(1)
  void readOnlyServiceMethodsRunOnReplicas() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Set<Integer> replicaPorts = new HashSet<>();
    cluster.othersThan(primary).forEach(n -> replicaPorts.add(n.pgPort));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      Map<String, Object> answer = call("GET", "/items/count");
      assertThat(answer).containsEntry("in_recovery", true);
      seen.add(((Number) answer.get("port")).intValue());
    }
    assertThat(replicaPorts).containsAll(seen);
    // Round robin spreads the reads over both replicas.
    assertThat(seen).isEqualTo(replicaPorts);
  }

  @Test
  @Order(2)
  void writesRunOnTheLeader() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    for (long id = 1; id <= 5; id++) {
      Map<String, Object> answer = call("POST", "/items/" + id);
      assertThat(answer).containsEntry("in_recovery", false);
      assertThat(((Number) answer.get("port")).intValue()).isEqualTo(primary.pgPort);
    }
    assertThat(idsOn(primary)).contains(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  @Order(3)
  void healthAndTheEndpointReportTheLeader() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Map<String, Object> health = call("GET", "/actuator/health/pgha");
    assertThat(health).containsEntry("status", "UP");
    assertThat(details(health)).containsEntry("leader", primary.name);

    Map<String, Object> view = call("GET", "/actuator/pgha");
    assertThat(view).containsEntry("leader", primary.name).containsEntry("source", "ETCD");
    assertThat((List<?>) view.get("members")).hasSize(3);
    assertThat((List<?>) view.get("readableReplicas")).hasSize(2);
    for (Object member : (List<?>) view.get("members")) {
      Map<Object, Object> fields = new HashMap<>((Map<?, ?>) member);
      assertThat(fields)
          .containsEntry("readCircuit", "CLOSED")
          .containsKeys("activeConnections", "idleConnections", "routingLagBytes");
    }
    Map<Object, Object> pools = new HashMap<>((Map<?, ?>) details(health).get("pools"));
    assertThat(pools).hasSize(3).containsValue("ok");

    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.find("pgha.connections.routed").tag("role", "replica").counters())
        .isNotEmpty();
    assertThat(meters.find("pgha.replica.lag").gauges()).hasSize(3);
  }

  @Test
  @Order(4)
  void aSwitchoverThroughTheEndpointMovesTheLeader() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    Node candidate = cluster.othersThan(old).get(0);
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/pgha"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"candidate\":\"" + candidate.name + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    LOG.info("switchover through /actuator/pgha: {} {}", response.statusCode(), response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readValue(response.body(), Map.class)).containsEntry("status", 200);
    assertThat(cluster.awaitNewPrimary(old, CONVERGE)).isSameAs(candidate);
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                candidate.name.equals(details(call("GET", "/actuator/health/pgha")).get("leader")));
    Map<String, Object> answer = call("POST", "/items/100");
    assertThat(((Number) answer.get("port")).intValue()).isEqualTo(candidate.pgPort);
    cluster.awaitHealthy(CONVERGE);
  }

  @Test
  @Order(5)
  void aLeaderHostFailureDuringAStreamOfRequestsFailsNone() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    AtomicBoolean running = new AtomicBoolean(true);
    List<Long> acknowledged = new CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    AtomicLong lastWriteAck = new AtomicLong(System.nanoTime());
    AtomicLong longestWriteGap = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              long id = 1000;
              while (running.get()) {
                try {
                  call("POST", "/items/" + id);
                  acknowledged.add(id);
                  long now = System.nanoTime();
                  longestWriteGap.accumulateAndGet(now - lastWriteAck.getAndSet(now), Math::max);
                } catch (Exception e) {
                  failures.add("write " + id + ": " + e.getMessage());
                }
                id++;
              }
            },
            "writer");
    Thread reader =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  call("GET", "/items/count");
                  reads.incrementAndGet();
                } catch (Exception e) {
                  failures.add("read: " + e.getMessage());
                }
              }
            },
            "reader");
    writer.start();
    reader.start();
    try {
      await().atMost(CONVERGE).until(() -> acknowledged.size() >= 20);
      long killed = System.nanoTime();
      LOG.info(">>> killing the leader's host {}", old);
      old.killHost();
      Node next = cluster.awaitNewPrimary(old, CONVERGE);
      LOG.info(">>> {} is the new primary", next);
      await()
          .atMost(CONVERGE)
          .until(
              () -> next.name.equals(details(call("GET", "/actuator/health/pgha")).get("leader")));
      LOG.info(
          ">>> the application's health names {} {} ms after the kill",
          next,
          (System.nanoTime() - killed) / 1_000_000);
      int before = acknowledged.size();
      await().atMost(CONVERGE).until(() -> acknowledged.size() >= before + 20);
    } finally {
      running.set(false);
      writer.join(Duration.ofSeconds(120).toMillis());
      reader.join(Duration.ofSeconds(120).toMillis());
    }
    Node next = cluster.writablePrimary().orElseThrow();
    long retried = app.getBean(FailoverRetry.class).retriedCalls();
    LOG.info(
        "failover through the application: {} writes and {} reads acknowledged, {} failed, {}"
            + " calls retried, longest gap between acknowledged writes {} ms",
        acknowledged.size(),
        reads.get(),
        failures.size(),
        retried,
        longestWriteGap.get() / 1_000_000);
    assertThat(failures).isEmpty();
    assertThat(idsOn(next)).containsAll(acknowledged);
    assertThat(retried).isPositive();
    Map<String, Object> view = call("GET", "/actuator/pgha");
    assertThat((List<?>) view.get("leaderChanges")).isNotEmpty();
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.find("pgha.leader.changes").counter().count()).isGreaterThanOrEqualTo(2);
    LOG.info(
        "meters: leader changes {}, writes that waited for a leader {} (max {} ms), connections"
            + " broken by the failover {}",
        meters.find("pgha.leader.changes").counter().count(),
        meters.find("pgha.leader.wait").tag("outcome", "leader").timer().count(),
        (long)
            meters
                .find("pgha.leader.wait")
                .tag("outcome", "leader")
                .timer()
                .max(java.util.concurrent.TimeUnit.MILLISECONDS),
        meters.find("pgha.failovers").counters().stream().mapToDouble(c -> c.count()).sum());

    // The old leader comes back as a replica (and the cluster is whole again for the clean stop).
    old.start();
    cluster.awaitHealthy(CONVERGE);
    await()
        .atMost(CONVERGE)
        .until(() -> ((List<?>) call("GET", "/actuator/pgha").get("readableReplicas")).size() == 2);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Map<String, Object> health) {
    return (Map<String, Object>) health.get("details");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> call(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(120))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 && !path.startsWith("/actuator/health")) {
      throw new IllegalStateException(
          method + " " + path + " -> " + response.statusCode() + " " + response.body());
    }
    return JSON.readValue(response.body(), Map.class);
  }

  private static boolean hasItemsTable(Node node) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('items') IS NOT NULL")) {
      return rs.next() && rs.getBoolean(1);
    } catch (SQLException e) {
      return false;
    }
  }

  private static List<Long> idsOn(Node node) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM items ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }
}
