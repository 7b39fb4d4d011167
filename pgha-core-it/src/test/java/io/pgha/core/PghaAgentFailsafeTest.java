package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.agent.AgentEvent;
import io.pgha.testkit.EtcdMember;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd quorum loss under a 3-member etcd and 3 agents: with {@code failsafe_mode} the leader keeps
 * taking writes while every member confirms it over the API, and demotes when one cannot; without
 * it the leader stops taking writes within {@code ttl}. Replicas answer reads throughout, and the
 * cluster converges to one leader once etcd has its quorum back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PghaAgentFailsafeTest {
  private static final Logger LOG = LoggerFactory.getLogger(PghaAgentFailsafeTest.class);
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  /**
   * etcd's leader may confirm a keep-alive up to an election timeout after quorum is gone, and the
   * lease deadline counts from the last confirmed one (see EtcdQuorumTest).
   */
  private static final Duration DEMOTION_BOUND = TTL.plusSeconds(3);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static LocalPghaCluster cluster;

  @BeforeAll
  static void startCluster() throws SQLException {
    cluster =
        new LocalPghaCluster(3, 3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))
            .failsafeMode(true);
    cluster.startAll();
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id bigserial PRIMARY KEY, payload text)");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.etcd().members().forEach(m -> m.resume());
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void withFailsafeTheLeaderKeepsWritesWhileEveryMemberConfirmsIt() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    awaitFailsafeKeyListsAll();
    List<Node> replicas = cluster.othersThan(primary);

    try (Load load = new Load(primary, replicas)) {
      await().atMost(CONVERGE).until(() -> load.acked.get() > 0);
      long lost = loseQuorum();
      try {
        // As Patroni's, replicas that accepted the leader's heartbeat say failsafe mode is active.
        await()
            .atMost(TTL.multipliedBy(2))
            .until(
                () ->
                    replicas.stream()
                        .allMatch(
                            r ->
                                String.valueOf(apiGet(r, "/patroni"))
                                    .contains("\"failsafe_mode_is_active\":true")));
        // Three ttl without etcd: far beyond the lease.
        load.resetCounts();
        await().pollDelay(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(4)).until(() -> true);
        assertThat(load.failedWrites.get()).as("writes refused during the outage").isZero();
        assertThat(load.acked.get()).as("writes acknowledged during the outage").isPositive();
        assertThat(load.failedReads.get()).as("replica reads refused").isZero();
        assertThat(primary.firstEventNanos(AgentEvent.Demoted.class, lost)).isEmpty();
        assertThat(primary.apiStatus("/primary")).isEqualTo(200);
      } finally {
        regainQuorum();
      }
    }
    Node after = cluster.awaitHealthy(CONVERGE);
    assertThat(after).isSameAs(primary);
    assertThat(cluster.writablePrimaries()).containsExactly(primary);
  }

  @Test
  @Order(2)
  void withFailsafeTheLeaderDemotesWhenOneMemberCannotConfirm() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    awaitFailsafeKeyListsAll();
    // etcd confirms the leader's lease again after the previous outage: a member that does not
    // answer while it does not would demote the leader before this test's outage begins.
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              String body = apiGet(primary, "/primary");
              return body != null && !body.contains("failsafe_mode_is_active");
            });
    List<Node> replicas = cluster.othersThan(primary);
    Node silent = replicas.get(0);
    Node other = replicas.get(1);

    try (Load load = new Load(primary, List.of(other))) {
      await().atMost(CONVERGE).until(() -> load.acked.get() > 0);
      // The agent vanishes but its member key stays (until its lease expires), so it is still
      // one of the members that must confirm.
      silent.haltAgent();
      long lost = loseQuorum();
      try {
        await().atMost(DEMOTION_BOUND).until(() -> !primary.isWritablePrimary());
        LOG.info(
            "measured: failsafe leader stopped taking writes {} ms after quorum loss",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost));
        await()
            .atMost(CONVERGE)
            .until(() -> primary.firstEventNanos(AgentEvent.Demoted.class, lost).isPresent());
        // As Patroni's: demoted, not stopped; read-only and not promoted back while etcd is away.
        await().atMost(TTL.multipliedBy(2)).until(primary::isReplica);
        await().pollDelay(TTL).atMost(TTL.multipliedBy(2)).until(() -> true);
        assertThat(primary.isReplica()).as("the demoted leader runs read-only").isTrue();
        assertThat(cluster.writablePrimaries()).isEmpty();
        assertThat(load.failedReads.get()).as("reads refused by the replica").isZero();
      } finally {
        regainQuorum();
      }
    }
    silent.start();
    cluster.awaitHealthy(CONVERGE);
    assertThat(cluster.writablePrimaries()).hasSize(1);
  }

  @Test
  @Order(3)
  void withoutFailsafeTheLeaderStopsTakingWritesWithinTtl() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    assertThat(patchConfig(primary, "{\"failsafe_mode\": false}")).isEqualTo(200);
    await().atMost(CONVERGE).until(() -> primary.apiStatus("/failsafe") == 502);
    List<Node> replicas = cluster.othersThan(primary);

    try (Load load = new Load(primary, replicas)) {
      await().atMost(CONVERGE).until(() -> load.acked.get() > 0);
      long lost = loseQuorum();
      try {
        await().atMost(DEMOTION_BOUND).until(() -> !primary.isWritablePrimary());
        long lastAck = load.lastAckNanos.get();
        LOG.info(
            "measured: leader stopped taking writes {} ms after quorum loss (last ack {} ms after)",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost),
            TimeUnit.NANOSECONDS.toMillis(lastAck - lost));
        await()
            .atMost(CONVERGE)
            .until(() -> primary.firstEventNanos(AgentEvent.Demoted.class, lost).isPresent());
        assertThat(load.failedReads.get()).as("replica reads refused before the demotion").isZero();
        load.resetCounts();
        await().pollDelay(TTL).atMost(TTL.multipliedBy(2)).until(() -> true);
        assertThat(load.acked.get()).as("writes acknowledged after the demotion").isZero();
        assertThat(load.failedReads.get()).as("replica reads refused").isZero();
        assertThat(cluster.writablePrimaries()).isEmpty();
      } finally {
        regainQuorum();
      }
    }
    cluster.awaitHealthy(CONVERGE);
    assertThat(cluster.writablePrimaries()).hasSize(1);
  }

  // ------------------------------------------------------------------ helpers

  /** Pauses two of the three etcd members (not the one the proxies lead to); returns when. */
  private static long loseQuorum() {
    long at = System.nanoTime();
    etcdMembersToPause().forEach(EtcdMember::pause);
    return at;
  }

  private static void regainQuorum() {
    etcdMembersToPause().forEach(EtcdMember::resume);
  }

  private static List<EtcdMember> etcdMembersToPause() {
    return List.of(cluster.etcd().member(1), cluster.etcd().member(2));
  }

  private static void awaitFailsafeKeyListsAll() {
    // Read in etcd, not through the API: right after an outage the API may still show the key as
    // it was before, while members whose keys expired meanwhile are not in it (nor must confirm).
    try (ClusterKeys keys = new ClusterKeys(cluster)) {
      await()
          .atMost(CONVERGE)
          .until(
              () -> {
                String failsafe = keys.value("failsafe").orElse("");
                return cluster.nodes().stream()
                    .allMatch(
                        n ->
                            failsafe.contains("\"" + n.name + "\"")
                                && keys.value("members/" + n.name).isPresent());
              });
    }
  }

  private static String apiGet(Node node, String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(node.apiUrl().orElseThrow() + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static int patchConfig(Node node, String json) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(node.apiUrl().orElseThrow() + "/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Writes to the primary and reads from the replicas every 100 ms, counting outcomes. */
  private static final class Load implements AutoCloseable {
    final AtomicInteger acked = new AtomicInteger();
    final AtomicInteger failedWrites = new AtomicInteger();
    final AtomicInteger failedReads = new AtomicInteger();
    final AtomicLong lastAckNanos = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Load(Node primary, List<Node> replicas) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  try (Connection c = primary.connect();
                      Statement s = c.createStatement()) {
                    s.execute("INSERT INTO t (payload) VALUES ('failsafe')");
                    acked.incrementAndGet();
                    lastAckNanos.set(System.nanoTime());
                  } catch (SQLException e) {
                    failedWrites.incrementAndGet();
                  }
                  for (Node r : replicas) {
                    if (!reads(r)) {
                      failedReads.incrementAndGet();
                    }
                  }
                  sleep(100);
                }
              },
              "failsafe-load");
      thread.start();
    }

    void resetCounts() {
      acked.set(0);
      failedWrites.set(0);
      failedReads.set(0);
    }

    private static boolean reads(Node replica) {
      try (Connection c = replica.connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
        return rs.next();
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
