package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.agent.AgentEvent;
import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failsafe leader running on its members' confirmations while etcd is away loses a replica:
 * Patroni's dcs_failsafe_mode.feature "check primary is demoted when one replica is shut down and
 * DCS is down" (ttl 20, loop_wait 2, retry_timeout 5; the replica's agent and postmaster killed, or
 * its whole host frozen). The next round is refused, and the leader must run read-only (as a
 * replica, following no one) promptly: the fence and the read-only start are failsafe's reflex, not
 * a decision of an HA cycle that waits on etcd, which with etcd frozen takes a request timeout per
 * call.
 *
 * <p>The bound, from the replica's death: the next round is due within a round interval ({@code
 * min(loop_wait, ttl/4)}), and refused within a round's timeout ({@code min(2 s, ttl/4)}); the rest
 * is the slack of an immediate shutdown and a start (crash recovery) on a busy machine. The feature
 * allows about 15 s (its kill, 2 s of sleep, then 12 s); the HA cycle of a leader whose etcd is
 * frozen takes up to two request timeouts (5 s each) and more.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PghaAgentFailsafeRefusedLeaderTest {
  private static final Logger LOG =
      LoggerFactory.getLogger(PghaAgentFailsafeRefusedLeaderTest.class);
  private static final Duration TTL = Duration.ofSeconds(20);
  private static final Duration LOOP_WAIT = Duration.ofSeconds(2);
  private static final Duration RETRY_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static final Duration ROUND_INTERVAL = min(LOOP_WAIT, TTL.dividedBy(4));
  private static final Duration ROUND_TIMEOUT = min(Duration.ofSeconds(2), TTL.dividedBy(4));

  /** An immediate shutdown and a start with crash recovery, on a busy machine. */
  private static final Duration SLACK = Duration.ofSeconds(3);

  /** From the replica's death to the leader answering {@code pg_is_in_recovery()} true. */
  private static final Duration READ_ONLY_BOUND = ROUND_INTERVAL.plus(ROUND_TIMEOUT).plus(SLACK);

  private static LocalPghaCluster cluster;

  @BeforeAll
  static void startCluster() {
    // Agents in JVMs of their own, so that a replica's whole host can be frozen (SIGSTOP).
    cluster =
        new LocalPghaCluster(2, TTL, LOOP_WAIT, RETRY_TIMEOUT)
            .failsafeMode(true)
            .agentsInOwnJvm(true);
    cluster.startAll();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.etcd().members().forEach(PghaAgentFailsafeRefusedLeaderTest::runningAgain);
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void withEtcdFrozenTheRefusedLeaderRunsReadOnlyWithinTheBound() {
    refusedLeaderRunsReadOnly("frozen", EtcdMember::pause, false);
  }

  @Test
  @Order(2)
  void withEtcdKilledTheRefusedLeaderRunsReadOnlyWithinTheBound() {
    refusedLeaderRunsReadOnly("killed", EtcdMember::kill, false);
  }

  /**
   * The replica's host hangs instead of dying: its sockets stay open and nothing answers, so the
   * round's heartbeat to it ends only at the round's timeout, not at a connection reset.
   */
  @Test
  @Order(3)
  void withTheReplicaFrozenTheRefusedLeaderRunsReadOnlyWithinTheBound() {
    refusedLeaderRunsReadOnly("frozen, replica frozen", EtcdMember::pause, true);
  }

  private static void refusedLeaderRunsReadOnly(
      String how, Consumer<EtcdMember> outage, boolean freezeReplica) {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Node replica = cluster.othersThan(primary).get(0);
    // Both members run failsafe mode (the replica accepts heartbeats) and the key lists both.
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .until(
            () ->
                primary.api("GET", "/failsafe", null).body().contains(replica.name)
                    && replica.api("GET", "/failsafe", null).status() == 200);
    long lost = System.nanoTime();
    cluster.etcd().members().forEach(outage);
    boolean replicaDown = false;
    try {
      // As in the feature, the outage is older than the leader's turn to its members: its HA
      // loop has been waiting on etcd for a while when the replica dies.
      await()
          .atMost(TTL)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () ->
                  primary.api("GET", "/primary", null).body().contains("failsafe_mode_is_active"));
      sleep(RETRY_TIMEOUT);
      assertThat(cluster.writablePrimaries()).containsExactly(primary);

      long down = System.nanoTime();
      if (freezeReplica) {
        replica.freezeHost();
      } else {
        replica.killHost();
      }
      replicaDown = true;
      long readOnlyAfter = awaitInRecovery(primary, READ_ONLY_BOUND.plus(CONVERGE)) - down;
      long demotedAfter =
          primary.firstEventNanos(AgentEvent.Demoted.class, down).orElseThrow() - down;
      LOG.info(
          "measured (etcd {}): the refused leader was fenced {} ms and ran read-only {} ms after"
              + " the replica went down, {} ms after the outage began (bound {} ms)",
          how,
          TimeUnit.NANOSECONDS.toMillis(demotedAfter),
          TimeUnit.NANOSECONDS.toMillis(readOnlyAfter),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost),
          READ_ONLY_BOUND.toMillis());
      assertThat(Duration.ofNanos(readOnlyAfter))
          .as("the refused leader runs read-only within a round interval, a round and slack")
          .isLessThanOrEqualTo(READ_ONLY_BOUND);
      // The start follows the fence at once, not an HA cycle that waits on etcd.
      assertThat(Duration.ofNanos(readOnlyAfter - demotedAfter))
          .as("from the fence to read-only")
          .isLessThanOrEqualTo(SLACK);
      // Not promoted back while etcd is away.
      sleep(LOOP_WAIT.multipliedBy(2));
      assertThat(primary.isReplica()).as("the refused leader stays read-only").isTrue();
      assertThat(cluster.writablePrimaries()).isEmpty();
    } finally {
      cluster.etcd().members().forEach(PghaAgentFailsafeRefusedLeaderTest::runningAgain);
      if (replicaDown && freezeReplica) {
        replica.thaw();
      } else if (replicaDown) {
        replica.start();
      }
    }
    cluster.awaitHealthy(CONVERGE);
    assertThat(cluster.writablePrimaries()).hasSize(1);
  }

  /**
   * Polls {@code pg_is_in_recovery()} every 100 ms with short timeouts (a poll held by a server
   * being shut down would hide when it came back); returns when it first answered true.
   */
  private static long awaitInRecovery(Node node, Duration atMost) {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", LocalPghaCluster.superuserPassword());
    p.setProperty("connectTimeout", "1");
    p.setProperty("socketTimeout", "1");
    String url = "jdbc:postgresql://127.0.0.1:" + node.pgPort + "/postgres";
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() - deadline < 0) {
      try (Connection c = DriverManager.getConnection(url, p);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        if (rs.next() && rs.getBoolean(1)) {
          return System.nanoTime();
        }
      } catch (SQLException e) {
        // down or starting
      }
      sleep(Duration.ofMillis(100));
    }
    throw new AssertionError(node.name + " did not run read-only within " + atMost);
  }

  private static void runningAgain(EtcdMember m) {
    if (m.isPaused()) {
      m.resume();
    } else if (!m.isRunning()) {
      m.restart();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
