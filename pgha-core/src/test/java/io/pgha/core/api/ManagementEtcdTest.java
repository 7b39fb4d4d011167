package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.core.dcs.TestEtcdDcs;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.Tags;
import io.pgha.testkit.LocalEtcd;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The management endpoints against a real etcd: what they write is read back from the keys
 * themselves, and a refused request is shown to have written nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementEtcdTest {
  private static final String SCOPE = "pg-api";
  private static final String PASSWORD = "etcd-test-secret";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final DynamicConfig INITIAL =
      DynamicConfig.builder()
          .ttl(30)
          .loopWait(10)
          .retryTimeout(10)
          .parameters(
              Map.of("wal_level", "replica", "max_connections", 100, "shared_buffers", "64MB"))
          .build();

  private LocalEtcd etcd;
  private EtcdDcs pg1;
  private EtcdDcs pg2;
  private EtcdDcs pg3;
  private Client raw;
  private PghaApiServer api;
  private Http admin;
  private final RecordingActions actions = new RecordingActions();

  @BeforeAll
  void start() throws Exception {
    etcd = LocalEtcd.start(1);
    pg1 = connect("pg-1");
    pg2 = connect("pg-2");
    pg3 = connect("pg-3");
    raw = Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
    pg1.updateMember(member("pg-1", 8009, Role.PRIMARY, Tags.NONE));
    pg2.updateMember(member("pg-2", 8010, Role.REPLICA, Tags.NONE));
    pg3.updateMember(member("pg-3", 8011, Role.REPLICA, Tags.NONE.withNoFailover(true)));
    api = startApi(pg1, Duration.ofSeconds(20));
    admin = new Http(api.baseUrl()).auth("admin", PASSWORD);
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {raw, pg1, pg2, pg3, etcd}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // Keep closing the rest; the test kit kills etcd on JVM exit anyway.
      }
    }
  }

  @BeforeEach
  void reset() throws Exception {
    if (!pg1.view().isLeader("pg-1")) {
      pg2.releaseLeader();
      assertThat(pg1.acquireLeader()).isTrue();
    }
    pg1.acquireLeader();
    pg1.writeConfig(INITIAL, Dcs.ANY);
    pg1.clearFailover(Dcs.ANY);
    await().atMost(WAIT).until(() -> pg1.holdsLeadership());
    actions.calls.clear();
  }

  // ------------------------------------------------------------------ config

  @Test
  void patchMergesIntoTheConfigKey() throws Exception {
    HttpResponse<String> r =
        admin.send(
            "PATCH",
            "/config",
            "{\"ttl\": 20, \"loop_wait\": 5, \"retry_timeout\": 5, \"failsafe_mode\": true,"
                + " \"postgresql\": {\"parameters\": {\"max_connections\": 200,"
                + " \"shared_buffers\": null}}, \"custom_key\": \"kept\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode stored = Json.tree(value(pg1.keys().config()).orElseThrow());
    assertThat(stored.get("ttl").asInt()).isEqualTo(20);
    assertThat(stored.get("loop_wait").asInt()).isEqualTo(5);
    assertThat(stored.get("failsafe_mode").asBoolean()).isTrue();
    JsonNode parameters = stored.get("postgresql").get("parameters");
    assertThat(parameters.get("max_connections").asInt()).isEqualTo(200);
    assertThat(parameters.has("shared_buffers")).isFalse();
    assertThat(parameters.get("wal_level").asString()).isEqualTo("replica");
    assertThat(stored.get("custom_key").asString()).isEqualTo("kept");
    assertThat(Json.tree(r.body())).isEqualTo(stored);
  }

  @Test
  void aTtlBelowLoopWaitPlusTwiceRetryTimeoutIsAcceptedAsPatroniAcceptsIt() throws Exception {
    // Patroni's behave features PATCH {"ttl": 20} with loop_wait 2 and retry_timeout 10, and
    // patronictl edit-config -s ttl=10 writes such a key: every later PATCH must still work.
    HttpResponse<String> r = admin.send("PATCH", "/config", "{\"ttl\": 20}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Json.tree(value(pg1.keys().config()).orElseThrow()).get("ttl").asInt())
        .isEqualTo(20);
    HttpResponse<String> pause = admin.send("PATCH", "/config", "{\"pause\": true}");
    assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
    assertThat(Json.tree(value(pg1.keys().config()).orElseThrow()).get("pause").asBoolean())
        .isTrue();
    assertThat(admin.send("PUT", "/config", "{\"ttl\": 5, \"loop_wait\": 10}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aPatchWithPatroni3sTimeoutNameKeepsThatNameAndTakesEffect() throws Exception {
    // basic_replication.feature: PATCH {"master_start_timeout": 0}, then GET /config shows it.
    HttpResponse<String> r =
        admin.send("PATCH", "/config", "{\"synchronous_mode\": null, \"master_start_timeout\": 0}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode stored = Json.tree(value(pg1.keys().config()).orElseThrow());
    assertThat(stored.get("master_start_timeout").asInt()).isZero();
    assertThat(stored.has("primary_start_timeout")).isFalse();
    assertThat(pg1.view().config().orElseThrow().primaryStartTimeout()).isZero();
  }

  @Test
  void putReplacesTheConfigKey() throws Exception {
    HttpResponse<String> r =
        admin.send("PUT", "/config", "{\"ttl\": 40, \"loop_wait\": 10, \"retry_timeout\": 10}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode stored = Json.tree(value(pg1.keys().config()).orElseThrow());
    assertThat(stored.get("ttl").asInt()).isEqualTo(40);
    assertThat(stored.get("postgresql").get("parameters").isEmpty()).isTrue();
  }

  @Test
  void concurrentChangeMakesPatchAConflict() throws Exception {
    // Someone (patronictl edit-config) writes the key between the API's read and its write.
    AtomicBoolean raced = new AtomicBoolean();
    Dcs racing =
        (Dcs)
            Proxy.newProxyInstance(
                Dcs.class.getClassLoader(),
                new Class<?>[] {Dcs.class},
                (proxy, method, args) -> {
                  try {
                    Object result = method.invoke(pg1, args);
                    if (method.getName().equals("refresh") && raced.compareAndSet(false, true)) {
                      pg2.writeConfig(INITIAL.toBuilder().ttl(45).build(), Dcs.ANY);
                    }
                    return result;
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    try (PghaApiServer racingApi = startApi(racing, Duration.ofSeconds(5))) {
      HttpResponse<String> r =
          new Http(racingApi.baseUrl())
              .auth("admin", PASSWORD)
              .send("PATCH", "/config", "{\"ttl\": 35}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
      assertThat(r.body()).contains("changed in etcd while this request was applied");
    }
    assertThat(raced).isTrue();
    assertThat(Json.tree(value(pg1.keys().config()).orElseThrow()).get("ttl").asInt())
        .isEqualTo(45);
  }

  @Test
  void badConfigRequestsLeaveTheKeyUntouched() throws Exception {
    KeyValue before = keyValue(pg1.keys().config()).orElseThrow();
    HttpResponse<String> typo = admin.send("PATCH", "/config", "{\"ttl\": \"thirty\"}");
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(typo.body()).contains("'ttl'").contains("thirty");
    assertThat(admin.send("PATCH", "/config", "{\"ttl\": ").statusCode()).isEqualTo(400);
    assertThat(admin.send("PATCH", "/config", "{}").statusCode()).isEqualTo(400);
    assertThat(admin.sendChunked("PATCH", "/config", "{\"ttl\": 60}").statusCode()).isEqualTo(411);
    assertThat(admin.send("PUT", "/config", "{\"loop_wait\": -1}").statusCode()).isEqualTo(400);
    assertThat(new Http(api.baseUrl()).send("PATCH", "/config", "{\"ttl\": 60}").statusCode())
        .isEqualTo(401);
    assertThat(
            new Http(api.baseUrl())
                .auth("admin", "nope")
                .send("PUT", "/config", "{\"ttl\": 60}")
                .statusCode())
        .isEqualTo(401);
    KeyValue after = keyValue(pg1.keys().config()).orElseThrow();
    assertThat(after.getModRevision()).isEqualTo(before.getModRevision());
    assertThat(after.getValue()).isEqualTo(before.getValue());
  }

  // ------------------------------------------------------------------ switchover

  @Test
  void scheduledSwitchoverWritesTheFailoverKeyAndDeleteClearsIt() throws Exception {
    OffsetDateTime at =
        OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.SECONDS);
    HttpResponse<String> r =
        admin.send(
            "POST",
            "/switchover",
            "{\"leader\": \"pg-1\", \"candidate\": \"pg-2\", \"scheduled_at\": \"" + at + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.body()).isEqualTo("Switchover scheduled");
    JsonNode key = Json.tree(value(pg1.keys().failover()).orElseThrow());
    assertThat(key.get("leader").asString()).isEqualTo("pg-1");
    assertThat(key.get("member").asString()).isEqualTo("pg-2");
    assertThat(OffsetDateTime.parse(key.get("scheduled_at").asString())).isEqualTo(at);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode s = Json.tree(admin.get("/cluster").body()).get("scheduled_switchover");
              assertThat(s).isNotNull();
              assertThat(s.get("from").asString()).isEqualTo("pg-1");
              assertThat(s.get("to").asString()).isEqualTo("pg-2");
            });

    HttpResponse<String> deleted = admin.send("DELETE", "/switchover", (String) null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo("scheduled switchover deleted");
    assertThat(value(pg1.keys().failover())).isEmpty();
    HttpResponse<String> again = admin.send("DELETE", "/switchover", (String) null);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).isEqualTo("no switchover is scheduled");
  }

  @Test
  void impossibleSwitchoversWriteNothing() throws Exception {
    String future = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).toString();
    Map<String, String> refused =
        Map.ofEntries(
            Map.entry(
                "{\"leader\": \"pg-2\", \"candidate\": \"pg-1\"}",
                "412 leader name does not match"),
            Map.entry(
                "{\"leader\": \"pg-1\", \"candidate\": \"pg-9\"}", "412 candidate does not exists"),
            Map.entry(
                "{\"leader\": \"pg-1\", \"candidate\": \"pg-3\"}",
                "412 switchover is not possible: no good candidates have been found (pg-3 is not"
                    + " allowed to promote (nofailover or failover_priority 0))"),
            Map.entry(
                "{\"candidate\": \"pg-2\"}",
                "400 Switchover could be performed only from a specific leader"),
            Map.entry(
                "{\"leader\": \"pg-1\", \"candidate\": \"pg-1\"}",
                "400 Switchover target and source are the same"),
            Map.entry(
                "{\"leader\": \"pg-1\", \"scheduled_at\": \"2001-01-01T00:00:00+00:00\"}",
                "422 Cannot schedule switchover in the past"),
            Map.entry(
                "{\"leader\": \"pg-1\", \"scheduled_at\": \"2999-01-01T10:00:00\"}",
                "400 Timezone information is mandatory for the scheduled switchover"),
            Map.entry(
                "{\"leader\": \"pg-1\", \"scheduled_at\": \"next tuesday\"}",
                "422 Unable to parse scheduled timestamp 'next tuesday'. It should be in an"
                    + " unambiguous format, e.g. ISO 8601"),
            Map.entry("{\"leader\": 7}", "400 field 'leader' must be a string, got number"));
    for (Map.Entry<String, String> e : refused.entrySet()) {
      HttpResponse<String> r = admin.send("POST", "/switchover", e.getKey());
      assertThat(r.statusCode() + " " + r.body()).as(e.getKey()).isEqualTo(e.getValue());
    }
    HttpResponse<String> scheduledFailover =
        admin.send(
            "POST", "/failover", "{\"candidate\": \"pg-2\", \"scheduled_at\": \"" + future + "\"}");
    assertThat(scheduledFailover.statusCode()).isEqualTo(400);
    assertThat(scheduledFailover.body()).isEqualTo("Failover can't be scheduled");
    assertThat(admin.send("POST", "/failover", "{\"leader\": \"pg-1\"}").body())
        .isEqualTo("Failover could be performed only to a specific candidate");
    assertThat(value(pg1.keys().failover())).isEmpty();
  }

  @Test
  void switchoverNowAnswersWhenTheNewLeaderHasTheKey() throws Exception {
    // Stands in for the agents: on seeing the request, pg-1 steps down, pg-2 takes over and
    // clears the key, as the HA loop will.
    CompletableFuture<Void> agents =
        CompletableFuture.runAsync(
            () -> {
              try {
                await().atMost(WAIT).until(() -> pg2.refresh().failover().isPresent());
                FailoverRequest request = pg2.view().failover().orElseThrow();
                assertThat(request.leader()).hasValue("pg-1");
                assertThat(request.candidate()).hasValue("pg-2");
                assertThat(request.scheduledAt()).isEmpty();
                assertThat(pg1.releaseLeader()).isTrue();
                assertThat(pg2.acquireLeader()).isTrue();
                assertThat(pg2.clearFailover(request.modRevision())).isTrue();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    HttpResponse<String> r =
        admin.send("POST", "/switchover", "{\"leader\": \"pg-1\", \"candidate\": \"pg-2\"}");
    agents.get(60, TimeUnit.SECONDS);
    assertThat(r.body()).isEqualTo("Successfully switched over to \"pg-2\"");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(value(pg1.keys().leader())).hasValue("pg-2");
    assertThat(value(pg1.keys().failover())).isEmpty();
  }

  @Test
  void failoverNobodyActsOnIsReportedAsUnknownAndLeftForTheAgents() throws Exception {
    try (PghaApiServer impatient = startApi(pg1, Duration.ofMillis(500))) {
      HttpResponse<String> r =
          new Http(impatient.baseUrl())
              .auth("admin", PASSWORD)
              .send("POST", "/failover", "{\"candidate\": \"pg-2\"}");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("Failover status unknown");
    }
    JsonNode key = Json.tree(value(pg1.keys().failover()).orElseThrow());
    assertThat(key.get("member").asString()).isEqualTo("pg-2");
    assertThat(key.has("leader")).isFalse();
    assertThat(key.has("scheduled_at")).isFalse();
  }

  @Test
  void aLaggingCandidateIsRefusedWhileALeaderRunsAndForcedWhenNoneDoes() throws Exception {
    assertThat(pg1.writeStatus(ClusterStatus.ofOptime(50_000_000))).isTrue();
    pg2.updateMember(
        member("pg-2", 8010, Role.REPLICA, Tags.NONE).toBuilder().xlogLocation(40_000_000).build());
    try {
      await()
          .atMost(WAIT)
          .until(
              () -> pg1.view().member("pg-2").orElseThrow().xlogLocation().orElse(0) == 40_000_000);
      HttpResponse<String> refused = admin.send("POST", "/failover", "{\"candidate\": \"pg-2\"}");
      assertThat(refused.statusCode() + " " + refused.body())
          .isEqualTo(
              "412 failover is not possible: no good candidates have been found (pg-2 lags"
                  + " 10000000 bytes, more than maximum_lag_on_failover (1048576))");
      assertThat(value(pg1.keys().failover())).isEmpty();

      // No leader any more: the operator's failover is forced, and the answer says what it costs.
      assertThat(pg1.releaseLeader()).isTrue();
      CompletableFuture<Void> candidate =
          CompletableFuture.runAsync(
              () -> {
                try {
                  await().atMost(WAIT).until(() -> pg2.refresh().failover().isPresent());
                  FailoverRequest request = pg2.view().failover().orElseThrow();
                  assertThat(pg2.acquireLeader()).isTrue();
                  assertThat(pg2.clearFailover(request.modRevision())).isTrue();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      HttpResponse<String> forced = admin.send("POST", "/failover", "{\"candidate\": \"pg-2\"}");
      candidate.get(60, TimeUnit.SECONDS);
      assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
      assertThat(forced.body())
          .isEqualTo(
              "Successfully failed over to \"pg-2\", which lacked about 10000000 bytes of WAL the"
                  + " previous leader had written: those changes are lost");
    } finally {
      pg2.updateMember(member("pg-2", 8010, Role.REPLICA, Tags.NONE));
    }
  }

  // ------------------------------------------------------------------ helpers

  private EtcdDcs connect(String name) {
    return TestEtcdDcs.connect(
        etcd.clientEndpoints(), SCOPE, name, Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  private PghaApiServer startApi(Dcs dcs, Duration switchoverWait) {
    return PghaApiServer.start(
        ApiConfig.builder()
            .listen("127.0.0.1", 0)
            .authentication("admin", PASSWORD)
            .switchoverWait(switchoverWait)
            .build(),
        () -> snapshot(dcs),
        dcs,
        actions,
        Clock.systemUTC(),
        System::nanoTime);
  }

  private static NodeSnapshot snapshot(Dcs dcs) {
    ClusterView view = dcs.view();
    return NodeSnapshot.builder(dcs.memberName(), SCOPE)
        .postgresState("running")
        .role(view.isLeader(dcs.memberName()) ? Role.PRIMARY : Role.REPLICA)
        .cluster(view)
        .holdsLeaderKey(dcs.holdsLeadership())
        .build();
  }

  private static Member member(String name, int apiPort, Role role, Tags tags) {
    return Member.builder(name)
        .connUrl("postgres://127.0.0.1:" + (apiPort + 1000) + "/postgres")
        .apiUrl("http://127.0.0.1:" + apiPort + "/patroni")
        .state("running")
        .role(role)
        .xlogLocation(50_000_000)
        .timeline(1)
        .tags(tags)
        .build();
  }

  private Optional<KeyValue> keyValue(String key) throws Exception {
    GetResponse r =
        raw.getKVClient()
            .get(ByteSequence.from(key, StandardCharsets.UTF_8))
            .get(10, TimeUnit.SECONDS);
    return r.getKvs().stream().findFirst();
  }

  private Optional<String> value(String key) throws Exception {
    return keyValue(key).map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
  }
}
