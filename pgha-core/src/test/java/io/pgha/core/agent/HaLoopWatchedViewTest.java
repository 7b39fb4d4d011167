package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.core.ha.MemberIdentity;
import io.pgha.core.postgres.PostgresConfig;
import io.pgha.core.postgres.PostgresController;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.Testkit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HA loop of one member on real etcd and PostgreSQL, with its reads of etcd counted ({@link
 * CountingDcs}): an idle leader's steady cycles read nothing, and a change of a key that is not a
 * member's, or a deleted leader key, is decided on a view read from etcd, with the outcome as
 * before. The scenarios run in order on one member.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaLoopWatchedViewTest {
  private static final int TTL = 10;
  private static final int LOOP_WAIT = 1;
  private static final String SCOPE = "watched";
  private static final String SUPERUSER_PASSWORD = "su-Secret-1";

  private static LocalEtcd etcd;
  private static CountingDcs dcs;
  private static PostgresController postgres;
  private static Agent agent;

  @BeforeAll
  static void start() {
    etcd = LocalEtcd.start(1);
    Path work = Testkit.newWorkDir("watched-view");
    OsUser user = OsUser.forPostgres();
    PghaConfig config =
        PghaConfig.builder()
            .scope(SCOPE)
            .name("m1")
            .etcdEndpoints(etcd.clientEndpoints())
            .postgresDataDir(work.resolve("m1").resolve("data"))
            .postgresListen("127.0.0.1:" + Testkit.freePort())
            .superuser("postgres", SUPERUSER_PASSWORD)
            .replicationUser("replicator", "repl-Secret-2")
            .postgres(
                b ->
                    b.runAsUser(user.needsSwitch() ? user.name() : null)
                        .initdbOptions(List.of("--encoding=UTF8", "--no-sync"))
                        .parameter("fsync", "off")
                        .parameter("shared_buffers", "16MB")
                        .parameter("max_connections", "30"))
            .restApiListen("127.0.0.1:" + Testkit.freePort())
            .ttl(Duration.ofSeconds(TTL))
            .loopWait(Duration.ofSeconds(LOOP_WAIT))
            .retryTimeout(Duration.ofSeconds(3))
            .primaryStartTimeout(Duration.ofSeconds(10))
            .build();
    dcs = new CountingDcs(EtcdDcs.connect(config, "m1"));
    postgres = new PostgresController(PostgresConfig.of(config, List.of()));
    agent =
        new Agent(
            SCOPE,
            MemberIdentity.from(config),
            dcs,
            postgres,
            config.initialDynamicConfig(),
            config.restApi().apiUrl(),
            List.of());
    agent.start();
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.stop();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  @Order(1)
  void anIdleLeadersSteadyCyclesReadNothingFromEtcd() throws Exception {
    // m1 bootstraps and leads
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> agent.snapshot().holdsLeadership() && agent.snapshot().postgres().isReadWrite());
    Thread.sleep(3000); // the first cycles after the promotion act; then it is idle

    int readsBefore = dcs.refreshes();
    Instant from = Instant.now();
    long maxLagSeconds = 0;
    for (long end = System.nanoTime() + 12_000_000_000L; System.nanoTime() - end < 0; ) {
      Thread.sleep(250);
      long lag = Instant.now().getEpochSecond() - agent.apiSnapshot().dcsLastSeenEpochSeconds();
      maxLagSeconds = Math.max(maxLagSeconds, lag);
    }
    int reads = dcs.refreshes() - readsBefore;
    long cycles =
        agent.snapshot().recentDecisions().stream().filter(d -> d.at().isAfter(from)).count();

    // One cycle per loop_wait (1 s); a read when the last one is more than ttl / 2 (5 s) old: 2 or
    // 3 reads in 12 s (12 before the watched cycles, one per cycle).
    assertThat(cycles).as("cycles in 12 s").isGreaterThanOrEqualTo(9);
    assertThat(reads).as("reads of etcd in %d cycles", cycles).isBetween(1, 4);
    assertThat(agent.snapshot().recentDecisions().get(0).decision().reason())
        .contains("the leader with the lock");
    // dcs_last_seen follows etcd's answers, not only the cycles' reads (the lease keeper renews
    // every ttl / 5, 2 s): it would lag up to ttl / 2 + loop_wait otherwise.
    assertThat(maxLagSeconds).as("most seconds dcs_last_seen lagged").isLessThanOrEqualTo(3);
  }

  @Test
  @Order(2)
  void aConfigChangeIsFollowedOnlyAfterAReadOfEtcd() throws Exception {
    awaitARead();
    int readsAtWrite = dcs.refreshes();
    ClusterView view = dcs.view();
    DynamicConfig config = view.config().orElseThrow();
    Map<String, Object> parameters = new LinkedHashMap<>(config.parameters());
    parameters.put("work_mem", "7MB");
    assertThat(
            dcs.writeConfig(
                config.toBuilder().parameters(parameters).build(), view.configModRevision()))
        .isTrue();

    // Applied within a cycle or two, long before the next read ttl / 2 would force.
    await().atMost(Duration.ofSeconds(4)).until(() -> "7MB".equals(show("work_mem")));
    assertThat(dcs.refreshes()).as("reads of etcd").isGreaterThan(readsAtWrite);
  }

  @Test
  @Order(3)
  void aDeletedLeaderKeyIsCreatedAgainAfterAReadOfEtcd() throws Exception {
    awaitARead();
    int readsAtDelete = dcs.refreshes();
    String leaderKey = dcs.keys().leader();
    try (Client client =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      client.getKVClient().delete(bytes(leaderKey)).get(10, TimeUnit.SECONDS);
      // m1 creates its leader key again
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                try {
                  return client
                      .getKVClient()
                      .get(bytes(leaderKey))
                      .get(10, TimeUnit.SECONDS)
                      .getKvs()
                      .stream()
                      .anyMatch(kv -> kv.getValue().toString(StandardCharsets.UTF_8).equals("m1"));
                } catch (Exception e) {
                  return false;
                }
              });
    }
    assertThat(dcs.refreshes()).as("reads of etcd").isGreaterThan(readsAtDelete);
    assertThat(agent.snapshot().postgres().isReadWrite()).as("m1 stays primary").isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.snapshot().holdsLeadership());
  }

  /** Returns right after a cycle read etcd, so that the next age-forced read is ttl / 2 away. */
  private static void awaitARead() {
    int before = dcs.refreshes();
    await().atMost(Duration.ofSeconds(TTL)).until(() -> dcs.refreshes() > before);
  }

  private static String show(String parameter) {
    try (Connection c = postgres.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + parameter)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return null;
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
