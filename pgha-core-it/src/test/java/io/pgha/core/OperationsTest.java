package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.agent.AgentEvent;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.ApiResponse;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator's controls on a real 3-node cluster (real etcd and PostgreSQL): switchover under a
 * write load, scheduled and cancelled switchovers, refused requests, pause, and the asynchronous
 * lag bound with a forced failover. {@code pg3} is tagged {@code nofailover}, so leadership moves
 * between {@code pg1} and {@code pg2}. The scenarios run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final long MAX_LAG = 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static LocalPghaCluster cluster;
  private static Node nofailover;

  @BeforeAll
  static void startCluster() throws SQLException {
    cluster =
        new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))
            .maximumLagOnFailover(MAX_LAG);
    nofailover = cluster.node("pg3").tag("nofailover", "true");
    cluster.startAll();
    Node primary = cluster.awaitHealthy(CONVERGE);
    primary.execute("CREATE TABLE t (id bigint PRIMARY KEY, payload text)");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(0)
  void editedDynamicParametersAreReloadedOrShownAsPendingRestart() throws Exception {
    // patroni_api.feature: patronictl edit-config -p max_connections=101, then every member's GET
    // /patroni shows pending_restart. shared_buffers needs a restart; work_mem a reload.
    Node primary = cluster.awaitHealthy(CONVERGE);
    ApiResponse r =
        primary.api(
            "PATCH",
            "/config",
            "{\"postgresql\": {\"parameters\": {\"work_mem\": \"7MB\","
                + " \"shared_buffers\": \"24MB\"}}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    for (Node node : cluster.nodes()) {
      await()
          .atMost(CONVERGE)
          .until(() -> json(node.api("GET", "/patroni", null)).has("pending_restart"));
      await().atMost(CONVERGE).until(() -> "7MB".equals(show(node, "work_mem")));
    }
  }

  @Test
  @Order(2)
  void reinitializingTheLeaderIsRefusedInPatronisWords() throws Exception {
    // patroni_api.feature: POST /reinitialize {"force": true} on the leader.
    Node leader = cluster.awaitHealthy(CONVERGE);
    ApiResponse r = leader.api("POST", "/reinitialize", "{\"force\": true}");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("I am the leader, can not reinitialize");
  }

  private static String show(Node node, String parameter) throws SQLException {
    try (Connection c = node.connect();
        ResultSet rs = c.createStatement().executeQuery("SHOW " + parameter)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  @Order(1)
  void switchoverUnderAWriteLoadKeepsEveryAcknowledgedWrite() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    Node candidate = otherCandidate(old);
    Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    Queue<Long> acknowledgedAtNanos = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer =
        new Thread(
            () -> {
              long id = 1;
              while (writing.get()) {
                // Whichever of the two accepts the write; a replica refuses it (read-only).
                for (Node target : List.of(old, candidate)) {
                  if (insert(target, id)) {
                    acknowledgedAtNanos.add(System.nanoTime());
                    acknowledged.add(id++);
                    break;
                  }
                }
                sleep(10);
              }
            },
            "switchover-writer");
    writer.start();
    try {
      await().atMost(CONVERGE).until(() -> acknowledged.size() >= 20);

      ApiResponse r =
          old.api(
              "POST",
              "/switchover",
              "{\"leader\": \"" + old.name + "\", \"candidate\": \"" + candidate.name + "\"}");

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("Successfully switched over to \"" + candidate.name + "\"");
      await().atMost(CONVERGE).until(candidate::isWritablePrimary);
      int before = acknowledged.size();
      await().atMost(CONVERGE).until(() -> acknowledged.size() >= before + 20);
    } finally {
      writing.set(false);
      writer.join(TimeUnit.SECONDS.toMillis(20));
    }

    assertThat(missingOn(candidate, acknowledged)).isEmpty();
    // A figure for the documentation, not an assertion: the longest time without a write.
    long longestGap = 0;
    Long previous = null;
    for (long at : acknowledgedAtNanos) {
      longestGap = previous == null ? 0 : Math.max(longestGap, at - previous);
      previous = at;
    }
    System.out.printf(
        "switchover: %d writes acknowledged, longest gap between two %d ms%n",
        acknowledged.size(), TimeUnit.NANOSECONDS.toMillis(longestGap));
    await().atMost(CONVERGE).until(old::isStreamingReplica);
    assertThat(cluster.writablePrimaries()).containsExactly(candidate);
    await().atMost(CONVERGE).until(() -> missingOn(old, acknowledged).isEmpty());
  }

  @Test
  @Order(2)
  void anImpossibleSwitchoverIsRefusedWithItsReason() throws Exception {
    Node leader = cluster.awaitHealthy(CONVERGE);

    ApiResponse toNofailover = switchover(leader, nofailover.name, Optional.empty());
    assertThat(toNofailover.status()).isEqualTo(412);
    assertThat(toNofailover.body())
        .isEqualTo(
            "switchover is not possible: no good candidates have been found (pg3 is not allowed"
                + " to promote (nofailover or failover_priority 0))");

    ApiResponse toStranger = switchover(leader, "pg9", Optional.empty());
    assertThat(toStranger.status()).isEqualTo(412);
    assertThat(toStranger.body()).isEqualTo("candidate does not exists");

    assertThat(cluster.writablePrimaries()).containsExactly(leader);
  }

  @Test
  @Order(3)
  void aScheduledSwitchoverHappensAtItsTimeNotBefore() throws Exception {
    Node old = cluster.awaitHealthy(CONVERGE);
    Node candidate = otherCandidate(old);
    long startNanos = System.nanoTime();
    Instant startWall = Instant.now();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(6);
    long dueNanos = startNanos + Duration.between(startWall, at.toInstant()).toNanos();

    ApiResponse r = switchover(old, candidate.name, Optional.of(at));

    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.body()).isEqualTo("Switchover scheduled");
    await()
        .atMost(CONVERGE)
        .until(() -> json(old.api("GET", "/cluster", null)).has("scheduled_switchover"));
    JsonNode scheduled = json(old.api("GET", "/cluster", null)).get("scheduled_switchover");
    assertThat(scheduled.get("to").asString()).isEqualTo(candidate.name);

    await().atMost(CONVERGE).until(candidate::isWritablePrimary);
    long acquired =
        candidate.firstEventNanos(AgentEvent.LeadershipAcquired.class, startNanos).orElseThrow();
    assertThat(acquired)
        .as("leadership moved at the scheduled time, not before")
        .isGreaterThan(dueNanos);
    await().atMost(CONVERGE).until(old::isStreamingReplica);
  }

  @Test
  @Order(4)
  void aCancelledScheduledSwitchoverNeverHappens() throws Exception {
    Node leader = cluster.awaitHealthy(CONVERGE);
    Node candidate = otherCandidate(leader);
    long startNanos = System.nanoTime();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(4);

    assertThat(switchover(leader, candidate.name, Optional.of(at)).status()).isEqualTo(202);
    ApiResponse cancelled = leader.api("DELETE", "/switchover", null);

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body()).isEqualTo("scheduled switchover deleted");
    // Past the time it was scheduled for, by a few HA cycles.
    sleep(7000);
    assertThat(cluster.writablePrimaries()).containsExactly(leader);
    assertThat(candidate.firstEventNanos(AgentEvent.LeadershipAcquired.class, startNanos))
        .isEmpty();
    assertThat(json(leader.api("GET", "/cluster", null)).has("scheduled_switchover")).isFalse();
  }

  @Test
  @Order(5)
  void whilePausedACrashedPrimaryIsNeitherRestartedNorReplacedUntilResumed() throws Exception {
    Node leader = cluster.awaitHealthy(CONVERGE);
    long startNanos = System.nanoTime();
    ApiResponse paused = leader.api("PATCH", "/config", "{\"pause\": true}");
    assertThat(paused.status()).as(paused.body()).isEqualTo(200);
    for (Node n : cluster.nodes()) {
      await().atMost(CONVERGE).until(() -> isPaused(n));
    }

    leader.killPostmaster();

    await()
        .during(TTL.multipliedBy(2))
        .atMost(TTL.multipliedBy(3))
        .until(() -> cluster.writablePrimaries().isEmpty() && !leader.isReplica());
    assertThat(leader.apiStatus("/leader")).as("the leader keeps its key").isEqualTo(200);
    for (Node n : cluster.nodes()) {
      assertThat(n.firstEventNanos(AgentEvent.Promoted.class, startNanos)).isEmpty();
    }

    ApiResponse resumed = leader.api("PATCH", "/config", "{\"pause\": null}");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    cluster.awaitHealthy(CONVERGE);
  }

  @Test
  @Order(6)
  void aLaggingReplicaIsNotPromotedUntilAnOperatorForcesItAndTheLossIsReported() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node lagging = otherCandidate(primary);
    long startNanos = System.nanoTime();
    // The primary's WAL sender to the lagging member is frozen, so that member receives nothing
    // more (its replay is paused too, which alone would lose nothing: received WAL is replayed at
    // promotion); pg3 (nofailover) keeps up and ends up ahead of it.
    long sender = walSenderPid(primary, lagging);
    lagging.execute("SELECT pg_wal_replay_pause()");
    signal(sender, "STOP");
    boolean hostKilled = false;
    try {
      primary.execute(
          "INSERT INTO t SELECT g, repeat('x', 1000) FROM generate_series(1000001, 1004000) g");
      // The leader publishes its position (the status key) each cycle; wait until the cluster
      // document shows the lag, which is what the candidates compare with.
      await().atMost(CONVERGE).until(() -> lagOf(primary, lagging) > MAX_LAG);
      primary.killHost();
      hostKilled = true;
    } finally {
      if (!hostKilled) {
        signal(sender, "CONT");
      }
    }

    await()
        .during(TTL.multipliedBy(2))
        .atMost(TTL.multipliedBy(3))
        .until(() -> cluster.writablePrimaries().isEmpty());
    assertThat(lagging.firstEventNanos(AgentEvent.Promoted.class, startNanos)).isEmpty();
    String why = json(lagging.api("GET", "/patroni", null)).get("last_decision").asString();
    assertThat(why)
        .startsWith("no leader, and my WAL position")
        .endsWith("more than maximum_lag_on_failover (" + MAX_LAG + ")");

    ApiResponse forced =
        lagging.api("POST", "/failover", "{\"candidate\": \"" + lagging.name + "\"}");

    assertThat(forced.status()).as(forced.body()).isEqualTo(200);
    assertThat(forced.body())
        .startsWith("Successfully failed over to \"" + lagging.name + "\", which lacked about ")
        .endsWith(" bytes of WAL the previous leader had written: those changes are lost");
    await().atMost(CONVERGE).until(lagging::isWritablePrimary);
    await().atMost(CONVERGE).until(() -> dataLossReported(lagging).isPresent());
    AgentEvent.PromotedWithDataLoss loss = dataLossReported(lagging).orElseThrow();
    assertThat(loss.lostBytes()).isGreaterThan(MAX_LAG);
    String reported =
        "no recovery target specified; promoted "
            + loss.lostBytes()
            + " bytes behind the last known leader position";
    await().atMost(CONVERGE).until(() -> lastHistoryReason(lagging).equals(reported));

    // pg3 received WAL the new primary never had: it is rewound and follows. The old primary
    // comes back and is rewound too.
    primary.start();
    lagging.execute("INSERT INTO t VALUES (2000001, 'after the forced failover')");
    for (Node n : cluster.othersThan(lagging)) {
      await().atMost(CONVERGE).until(() -> hasRow(n, 2000001));
    }
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(lagging);
  }

  // ------------------------------------------------------------------ helpers

  private static Node otherCandidate(Node leader) {
    return cluster.othersThan(leader).stream()
        .filter(n -> n != nofailover)
        .findFirst()
        .orElseThrow();
  }

  private static ApiResponse switchover(Node leader, String to, Optional<OffsetDateTime> at)
      throws IOException, InterruptedException {
    String body =
        "{\"leader\": \""
            + leader.name
            + "\", \"candidate\": \""
            + to
            + "\""
            + at.map(t -> ", \"scheduled_at\": \"" + t + "\"").orElse("")
            + "}";
    return leader.api("POST", "/switchover", body);
  }

  private static JsonNode json(ApiResponse r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static Optional<AgentEvent.PromotedWithDataLoss> dataLossReported(Node n) {
    return n.events().stream()
        .map(LocalPghaCluster.TimedEvent::event)
        .filter(AgentEvent.PromotedWithDataLoss.class::isInstance)
        .map(AgentEvent.PromotedWithDataLoss.class::cast)
        .findFirst();
  }

  private static String lastHistoryReason(Node n) throws IOException, InterruptedException {
    JsonNode history = json(n.api("GET", "/history", null));
    return history.isEmpty() ? "" : history.get(history.size() - 1).get(2).asString();
  }

  private static boolean isPaused(Node n) {
    try {
      JsonNode status = JSON.readTree(n.api("GET", "/patroni", null).body());
      return status.has("pause") && status.get("pause").asBoolean();
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The lag of {@code member} as the cluster document of {@code asked} shows it (-1 unknown). */
  private static long lagOf(Node asked, Node member) {
    try {
      for (JsonNode m : JSON.readTree(asked.api("GET", "/cluster", null).body()).get("members")) {
        if (m.get("name").asString().equals(member.name) && m.get("lag").isNumber()) {
          return m.get("lag").asLong();
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static boolean insert(Node node, long id) {
    try (Connection c = node.connect();
        PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, 'load')")) {
      p.setLong(1, id);
      p.executeUpdate();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static boolean hasRow(Node node, long id) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1 FROM t WHERE id = " + id)) {
      return rs.next();
    } catch (SQLException e) {
      return false;
    }
  }

  private static List<Long> missingOn(Node node, Queue<Long> ids) {
    Set<Long> present = new HashSet<>();
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM t")) {
      while (rs.next()) {
        present.add(rs.getLong(1));
      }
    } catch (SQLException e) {
      return new ArrayList<>(ids);
    }
    return ids.stream().filter(id -> !present.contains(id)).toList();
  }

  private static long walSenderPid(Node primary, Node replica) throws SQLException {
    try (Connection c = primary.connect();
        PreparedStatement p =
            c.prepareStatement("SELECT pid FROM pg_stat_replication WHERE application_name = ?")) {
      p.setString(1, replica.name);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).as("a WAL sender to " + replica + " runs on " + primary).isTrue();
        return rs.getLong(1);
      }
    }
  }

  private static void signal(long pid, String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
        .start()
        .waitFor(10, TimeUnit.SECONDS);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
