package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgha.patroni.Role;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** The API over real HTTP on 127.0.0.1: status codes, bodies, and refusals of bad requests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiHttpTest {
  private static final String PASSWORD = "Pa55-w0rd-never-shown";

  private final AtomicReference<NodeSnapshot> snapshot = new AtomicReference<>(Snapshots.leader());
  private final RecordingActions actions = new RecordingActions();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private PghaApiServer server;
  private Http anonymous;
  private Http admin;

  @BeforeAll
  void start() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    server =
        PghaApiServer.start(
            ApiConfig.builder()
                .listen("127.0.0.1", 0)
                .authentication("admin", PASSWORD)
                .maxBodyBytes(1024)
                .threads(2)
                .build(),
            snapshot::get,
            null,
            actions,
            Clock.systemUTC(),
            () -> Snapshots.NOW);
    anonymous = new Http(server.baseUrl());
    admin = new Http(server.baseUrl()).auth("admin", PASSWORD);
  }

  @AfterAll
  void stop() {
    server.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    // The password must never reach a log line, whatever the tests above did.
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains(PASSWORD));
  }

  @BeforeEach
  void reset() {
    snapshot.set(Snapshots.leader());
    actions.calls.clear();
    actions.failsafeEnabled = false;
  }

  // ------------------------------------------------------------------ reads

  /** Every method and path Patroni 3.0.2 was asked in the samples, on the leader and a replica. */
  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @MethodSource("samples")
  void statusCodesMatchThePatroniSamples(String role, String method, String path, int expected)
      throws Exception {
    snapshot.set(role.equals("leader") ? Snapshots.leader() : Snapshots.replica());
    HttpResponse<String> r = anonymous.send(method, path, (String) null);
    assertThat(r.statusCode()).isEqualTo(expected);
    if (!method.equals("GET")) {
      assertThat(r.body()).isEmpty();
    }
  }

  static Stream<Arguments> samples() {
    return HealthRulesTest.SampleIndex.rows("async").stream()
        .map(r -> Arguments.of(r.role(), r.method(), r.path(), r.status()));
  }

  @Test
  void statusDocumentHasEveryFieldPatroniSends() throws Exception {
    for (String role : List.of("leader", "replica")) {
      snapshot.set(role.equals("leader") ? Snapshots.leader() : Snapshots.replica());
      JsonNode ours = Json.tree(anonymous.get("/patroni").body());
      JsonNode theirs = Json.tree(sample("rest-" + role + "-GET-patroni.json"));
      assertThat(fieldPaths(ours)).containsAll(fieldPaths(theirs));
      assertThat(ours.get("patroni").get("scope").asString()).isEqualTo("pg-test");
      assertThat(ours.get("timeline").asInt()).isEqualTo(2);
      assertThat(ours.get("database_system_identifier").asString())
          .isEqualTo(theirs.get("database_system_identifier").asString());
    }
    snapshot.set(Snapshots.leader());
    JsonNode leader = Json.tree(anonymous.get("/patroni").body());
    assertThat(leader.get("role").asString()).isEqualTo("primary");
    assertThat(leader.get("xlog").get("location").asLong()).isEqualTo(Snapshots.LSN);
    assertThat(leader.get("replication")).hasSize(2);
    assertThat(leader.get("postmaster_start_time").asString())
        .isEqualTo("2026-11-26 09:50:32.005667+00:00");
    assertThat(leader.get("last_decision").asString()).contains("the leader with the lock");
  }

  @Test
  void healthGetsCarryTheStatusDocumentAndJsonContentType() throws Exception {
    HttpResponse<String> ok = anonymous.get("/primary");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(Json.tree(ok.body()).get("state").asString()).isEqualTo("running");
    HttpResponse<String> no = anonymous.get("/replica");
    assertThat(no.statusCode()).isEqualTo(503);
    assertThat(Json.tree(no.body()).get("role").asString()).isEqualTo("primary");
  }

  @Test
  void unknownGetPathAnswers503WithTheStatusDocument() throws Exception {
    HttpResponse<String> r = anonymous.get("/no-such-thing");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(Json.tree(r.body()).get("patroni").get("name").asString()).isEqualTo("pg-test-2");
  }

  @Test
  void queryFiltersWorkOverHttp() throws Exception {
    snapshot.set(
        Snapshots.replica().toBuilder()
            .postgres(
                Snapshots.replicaStatus(Snapshots.LSN, Snapshots.LSN - (2 << 20), "streaming"))
            .tags(io.pgha.patroni.Tags.NONE.withCustom("dc", "eu"))
            .build());
    assertThat(anonymous.send("OPTIONS", "/replica?lag=1MB", (String) null).statusCode())
        .isEqualTo(503);
    assertThat(anonymous.send("HEAD", "/replica?lag=16MB&tag_dc=eu", (String) null).statusCode())
        .isEqualTo(200);
    assertThat(anonymous.get("/read-only?tag_dc=us").statusCode()).isEqualTo(503);
    assertThat(anonymous.get("/replica?replication_state=streaming").statusCode()).isEqualTo(200);
  }

  @Test
  void badQueryIs400WithAReason() throws Exception {
    HttpResponse<String> r = anonymous.get("/replica?lag=very-much");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("lag='very-much'").contains("16MB");
    assertThat(anonymous.send("OPTIONS", "/replica?lag=x", (String) null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void readEndpoints() throws Exception {
    JsonNode cluster = Json.tree(anonymous.get("/cluster").body());
    assertThat(cluster.get("scope").asString()).isEqualTo("pg-test");
    assertThat(cluster.get("members")).hasSize(3);
    JsonNode first = cluster.get("members").get(0);
    assertThat(first.get("name").asString()).isEqualTo("pg-test-1");
    assertThat(first.get("role").asString()).isEqualTo("replica");
    assertThat(first.get("host").asString()).isEqualTo("127.0.0.1");
    assertThat(first.get("port").asInt()).isEqualTo(25432);
    assertThat(first.get("lag").asLong()).isZero();
    assertThat(cluster.get("members").get(1).get("role").asString()).isEqualTo("leader");
    assertThat(cluster.get("members").get(1).has("lag")).isFalse();

    JsonNode config = Json.tree(anonymous.get("/config").body());
    assertThat(config.get("ttl").asInt()).isEqualTo(30);
    assertThat(config.get("postgresql").get("parameters").get("max_connections").asInt())
        .isEqualTo(100);

    assertThat(anonymous.get("/history").body()).isEqualTo("[]");

    snapshot.set(
        Snapshots.leader().toBuilder()
            .cluster(Snapshots.asyncView().toBuilder().config(null).build())
            .build());
    assertThat(anonymous.get("/config").statusCode()).isEqualTo(502);
  }

  @Test
  void metricsAreLabelledWithScopeAndName() throws Exception {
    HttpResponse<String> r = anonymous.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    String labels = "{scope=\"pg-test\",name=\"pg-test-2\"}";
    assertThat(r.body())
        .contains("# TYPE patroni_primary gauge\n")
        .contains("patroni_primary" + labels + " 1\n")
        .contains("patroni_replica" + labels + " 0\n")
        .contains("patroni_xlog_location" + labels + " " + Snapshots.LSN + "\n")
        .contains("patroni_postgres_running" + labels + " 1\n")
        .contains("patroni_postgres_timeline" + labels + " 2\n")
        .contains("patroni_dcs_last_seen" + labels + " 1795686660\n")
        .contains("patroni_cluster_unlocked" + labels + " 0\n")
        .contains("patroni_is_paused" + labels + " 0\n")
        .contains("patroni_postgres_server_version" + labels + " 150018\n")
        .contains("patroni_version" + labels + " 000100\n");
    // Every sample line is "name{labels} value" (Prometheus text format).
    assertThat(r.body().lines().filter(l -> !l.startsWith("#")))
        .allMatch(
            l -> l.matches("patroni_[a-z_]+\\{scope=\"pg-test\",name=\"pg-test-2\"} [0-9.]+"));
  }

  @Test
  void aBrokenSnapshotSupplierGives503NotA500() throws Exception {
    AtomicReference<Boolean> fail = new AtomicReference<>(false);
    try (PghaApiServer broken =
        PghaApiServer.start(
            ApiConfig.builder().listen("127.0.0.1", 0).build(),
            () -> {
              if (fail.get()) {
                throw new IllegalStateException("boom");
              }
              return Snapshots.leader();
            },
            null,
            ManagementActions.unavailable())) {
      fail.set(true);
      Http http = new Http(broken.baseUrl());
      assertThat(http.get("/primary").statusCode()).isEqualTo(503);
      assertThat(http.send("HEAD", "/primary", (String) null).statusCode()).isEqualTo(503);
      assertThat(http.send("POST", "/reload", (String) null).statusCode()).isEqualTo(503);
    }
  }

  @Test
  void aFullWorkerPoolRefusesByClosingTheConnectionAndRecovers() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean block = new AtomicBoolean();
    Supplier<NodeSnapshot> slow =
        () -> {
          if (block.get()) {
            entered.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return Snapshots.leader();
        };
    try (PghaApiServer busy =
        PghaApiServer.start(
            ApiConfig.builder().listen("127.0.0.1", 0).threads(1).queue(0).build(),
            slow,
            null,
            actions,
            Clock.systemUTC(),
            () -> Snapshots.NOW)) {
      block.set(true);
      CompletableFuture<Integer> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new Http(busy.baseUrl()).get("/health").statusCode();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      Http second = new Http(busy.baseUrl()).timeout(Duration.ofSeconds(20));
      assertThatThrownBy(() -> second.get("/health")).isInstanceOf(IOException.class);
      block.set(false);
      release.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      assertThat(new Http(busy.baseUrl()).get("/health").statusCode()).isEqualTo(200);
    }
  }

  // ------------------------------------------------------------------ access control

  @Test
  void unsafeMethodsNeedBasicAuthentication() throws Exception {
    HttpResponse<String> none = anonymous.send("POST", "/reload", (String) null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"pgha\"");
    assertThat(none.body()).isEqualTo("no auth header received");

    HttpResponse<String> wrong =
        new Http(server.baseUrl()).auth("admin", "guess").send("POST", "/reload", (String) null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).isEqualTo("not authenticated").doesNotContain(PASSWORD);
    assertThat(actions.calls).isEmpty();

    HttpResponse<String> ok = admin.send("POST", "/reload", (String) null);
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(ok.body()).isEqualTo("reload scheduled");
    assertThat(actions.calls).containsExactly("reload");
    // Reads stay open.
    assertThat(anonymous.get("/patroni").statusCode()).isEqualTo(200);
  }

  @Test
  void allowListRefusesOtherClientsWith403() throws Exception {
    try (PghaApiServer elsewhere =
            start(ApiConfig.builder().listen("127.0.0.1", 0).allowlist(List.of("10.0.0.0/8")));
        PghaApiServer loopback =
            start(
                ApiConfig.builder()
                    .listen("127.0.0.1", 0)
                    .allowlist(List.of("192.0.2.1", "127.0.0.0/8")))) {
      HttpResponse<String> refused =
          new Http(elsewhere.baseUrl()).send("POST", "/reload", (String) null);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).isEqualTo("Access is denied");
      assertThat(new Http(elsewhere.baseUrl()).get("/health").statusCode()).isEqualTo(200);
      assertThat(actions.calls).isEmpty();
      assertThat(new Http(loopback.baseUrl()).send("POST", "/reload", (String) null).statusCode())
          .isEqualTo(202);
    }
  }

  // ------------------------------------------------------------------ bad requests

  @Test
  void bodyWithoutContentLengthIs411() throws Exception {
    HttpResponse<String> r = admin.sendChunked("PATCH", "/config", "{\"ttl\": 20}");
    assertThat(r.statusCode()).isEqualTo(411);
    assertThat(r.body()).contains("Content-Length");
    assertThat(admin.sendChunked("POST", "/switchover", "{\"leader\": \"a\"}").statusCode())
        .isEqualTo(411);
  }

  @Test
  void bodyAboveTheLimitIs413() throws Exception {
    String big = "{\"leader\": \"" + "x".repeat(2000) + "\"}";
    HttpResponse<String> r = admin.send("POST", "/switchover", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("exceeds the limit of 1024 bytes");
  }

  @Test
  void badJsonIs400WithAReason() throws Exception {
    HttpResponse<String> r = admin.send("POST", "/switchover", "{\"leader\": ");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("request body is not valid JSON");
    assertThat(admin.send("PATCH", "/config", "[1, 2]").body())
        .isEqualTo("request body must be a JSON object, got array");
    assertThat(admin.send("PATCH", "/config", "{}").body())
        .isEqualTo("request body must be a non-empty JSON object");
    assertThat(admin.send("POST", "/restart", "not json").statusCode()).isEqualTo(400);
    assertThat(actions.calls).isEmpty();
  }

  @Test
  void restartFiltersAreCheckedBeforeTheAgentIsAsked() throws Exception {
    HttpResponse<String> unknown = admin.send("POST", "/restart", "{\"when\": \"now\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).startsWith("Unknown filter for the scheduled restart: when");
    assertThat(admin.send("POST", "/restart", "{\"role\": \"boss\"}").body())
        .startsWith("PostgreSQL role should be either primary, standby_leader, or replica");
    assertThat(admin.send("POST", "/restart", "{\"timeout\": -3}").statusCode()).isEqualTo(400);
    assertThat(admin.send("POST", "/restart", "{\"postgres_version\": \"fifteen\"}").statusCode())
        .isEqualTo(400);
    assertThat(
            admin
                .send("POST", "/restart", "{\"schedule\": \"2001-01-01T00:00:00+00:00\"}")
                .statusCode())
        .isEqualTo(422);
    assertThat(admin.send("POST", "/restart", "{\"schedule\": \"2999-01-01T00:00:00\"}").body())
        .isEqualTo("Timezone information is mandatory for the scheduled restart");
    assertThat(actions.calls).isEmpty();

    HttpResponse<String> now = admin.send("POST", "/restart", (String) null);
    assertThat(now.statusCode()).isEqualTo(200);
    assertThat(now.body()).isEqualTo("restarted successfully");
    HttpResponse<String> filtered =
        admin.send(
            "POST",
            "/restart",
            "{\"role\": \"master\", \"postgres_version\": \"15.5\", \"timeout\": \"30s\","
                + " \"restart_pending\": true, \"schedule\": \"2999-01-01T00:00:00+00:00\"}");
    assertThat(filtered.statusCode()).isEqualTo(202);
    assertThat(actions.calls).hasSize(2);
    RestartRequest r = (RestartRequest) actions.calls.get(1);
    assertThat(r.role()).hasValue(Role.PRIMARY);
    assertThat(r.postgresVersion()).hasValue(150005);
    assertThat(r.timeout()).hasValue(Duration.ofSeconds(30));
    assertThat(r.restartPending()).isTrue();
    assertThat(r.schedule()).isPresent();
    assertThat(admin.send("DELETE", "/restart", (String) null).statusCode()).isEqualTo(404);
  }

  @Test
  void reinitializeAndFailsafe() throws Exception {
    assertThat(admin.send("POST", "/reinitialize", "{\"force\": true}").body())
        .isEqualTo("reinitialize started");
    assertThat(admin.send("POST", "/reinitialize", "{\"force\": \"maybe\"}").statusCode())
        .isEqualTo(400);
    assertThat(actions.calls).containsExactly("reinitialize force=true from_leader=false");

    assertThat(admin.send("POST", "/failsafe", "{\"name\": \"pg-test-2\"}").statusCode())
        .isEqualTo(502);
    actions.failsafeEnabled = true;
    assertThat(admin.send("POST", "/failsafe", "{\"api_url\": \"x\"}").statusCode()).isEqualTo(400);
    HttpResponse<String> ok =
        admin.send(
            "POST",
            "/failsafe",
            "{\"name\": \"pg-test-2\", \"api_url\": \"http://127.0.0.1:28009/patroni\","
                + " \"slots\": {\"pg_test_1\": 100}}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("Accepted");
    assertThat(ok.headers().firstValue("lsn")).hasValue("12345");
  }

  @Test
  void unknownEndpointsAndMethods() throws Exception {
    assertThat(admin.send("POST", "/nothing", "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> r = admin.send("PUT", "/switchover", "{}");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow").orElseThrow()).contains("POST").contains("DELETE");
    assertThat(admin.send("TRACE", "/", (String) null).statusCode()).isEqualTo(501);
  }

  @Test
  void withoutEtcdConfigAndSwitchoverRequestsAre503() throws Exception {
    HttpResponse<String> r = admin.send("PATCH", "/config", "{\"ttl\": 20}");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("this API has no etcd connection to write to");
  }

  @Test
  void configToStringHidesThePassword() {
    assertThat(ApiConfig.builder().listen("127.0.0.1", 0).authentication("admin", PASSWORD).build())
        .asString()
        .contains("admin:****")
        .doesNotContain(PASSWORD);
  }

  // ------------------------------------------------------------------ helpers

  private PghaApiServer start(ApiConfig.Builder config) {
    return PghaApiServer.start(
        config.build(), snapshot::get, null, actions, Clock.systemUTC(), () -> Snapshots.NOW);
  }

  private static String sample(String name) throws IOException {
    try (InputStream in = ApiHttpTest.class.getResourceAsStream("/patroni/async/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> fieldPaths(JsonNode node) {
    List<String> paths = new ArrayList<>();
    collect("", node, paths);
    return paths;
  }

  private static void collect(String prefix, JsonNode node, List<String> out) {
    if (!node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = prefix + e.getKey();
      out.add(path);
      collect(path + ".", e.getValue(), out);
    }
  }
}
