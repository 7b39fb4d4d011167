package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.agent.AgentEvent;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lease reflex fences without waiting, on real 2-member clusters: a leader that loses its lease
 * while its promotion's checkpoint is held up stops taking writes at its lease deadline, not when
 * the checkpoint ends; a leader whose agent was frozen past its ttl (while its PostgreSQL ran on
 * and a replica took over) fences as its first act on waking, before its HA loop's next cycle.
 */
class PghaAgentLeaseFencingTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  /** How long the checkpoint is held up at most: far longer than the bound asserted below. */
  private static final Duration SLOW_CHECKPOINT = Duration.ofSeconds(45);

  @Test
  void aLeaderThatLosesItsLeaseDuringASlowCheckpointStopsTakingWritesAtOnce() throws Exception {
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))) {
      Node pg1 = cluster.node("pg1");
      Node pg2 = cluster.node("pg2");
      startWithLeader(cluster, pg1, pg2);

      // pg2's checkpointer stops (as on a disk that stalls): the CHECKPOINT that follows its
      // promotion, which runs while it already takes writes, lasts until it is resumed.
      long checkpointer = checkpointerOf(pg2);
      signal("STOP", checkpointer);
      try {
        pg1.killHost();
        Node promoted = cluster.awaitNewPrimary(pg1, CONVERGE);
        assertThat(promoted).isSameAs(pg2);
        assertThat(insert(pg2)).as("pg2 takes writes").isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> checkpointsRunning(pg2) > 0);

        long cut = System.nanoTime();
        pg2.blackholeEtcd();
        await()
            .atMost(SLOW_CHECKPOINT)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> !insert(pg2));
        long stoppedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);

        // The lease deadline lies at most ttl after the cut; the fence itself takes milliseconds.
        assertThat(stoppedAfterMillis)
            .as("writes stopped %d ms after pg2 lost etcd", stoppedAfterMillis)
            .isLessThan(TTL.plusSeconds(3).toMillis());
      } finally {
        signal("CONT", checkpointer);
        pg2.healEtcd();
      }
    }
  }

  @Test
  void aThawedLeaderFencesBeforeItsFirstHaCycle() throws Exception {
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(2, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))
            .agentsInOwnJvm(true)) {
      Node pg1 = cluster.node("pg1");
      Node pg2 = cluster.node("pg2");
      startWithLeader(cluster, pg1, pg2);

      // Frozen past its ttl: pg2 takes over while pg1's PostgreSQL, which nothing can stop while
      // its agent is frozen, still takes writes.
      pg1.pauseAgent();
      await().atMost(CONVERGE).until(pg2::isWritablePrimary);
      assertThat(insert(pg1)).as("the frozen leader's PostgreSQL still takes writes").isTrue();

      Path log = pg1.dataDir().resolveSibling("agent.log");
      long logOffset = Files.size(log);
      long resumed = System.nanoTime();
      pg1.resumeAgent();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !insert(pg1));
      long stoppedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
      assertThat(stoppedAfterMillis)
          .as("writes stopped %d ms after the agent woke", stoppedAfterMillis)
          .isLessThan(3000);

      // The reflex, not a decision of its loop, demoted it; the fence began before the HA loop
      // logged anything (its decision comes once it has read etcd).
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pg1.firstEventNanos(AgentEvent.Demoted.class, resumed).isPresent());
      assertThat(demotedBy(pg1, resumed))
          .as("why pg1 was demoted after it woke")
          .isNotEqualTo("the decision was to demote");
      await().atMost(CONVERGE).until(() -> firstLoopLine(since(log, logOffset)) >= 0);
      List<String> lines = since(log, logOffset);
      int fence = indexOf(lines, "immediate shutdown of PostgreSQL");
      assertThat(fence).as("the fence in pg1's log after it woke:%n%s", lines).isNotNegative();
      assertThat(fence)
          .as("the fence comes before the HA loop's first line:%n%s", lines)
          .isLessThan(firstLoopLine(lines));

      assertThat(cluster.awaitHealthy(CONVERGE)).as("pg1 rejoins as a replica").isSameAs(pg2);
    }
  }

  /** Starts the leader (it bootstraps), creates the probe table, then the replica. */
  private static void startWithLeader(LocalPghaCluster cluster, Node leader, Node replica)
      throws SQLException {
    leader.start();
    await().atMost(CONVERGE).until(leader::isWritablePrimary);
    leader.execute("CREATE TABLE fencing_probe (x int)");
    replica.start();
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(leader);
  }

  /** The reason of the member's first Demoted event after {@code sinceNanos}. */
  private static String demotedBy(Node node, long sinceNanos) {
    return node.events().stream()
        .filter(e -> e.nanos() - sinceNanos > 0 && e.event() instanceof AgentEvent.Demoted)
        .map(e -> ((AgentEvent.Demoted) e.event()).reason())
        .findFirst()
        .orElseThrow();
  }

  private static List<String> since(Path log, long offset) throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8)
        .lines()
        .toList();
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  /** The first line the HA loop's thread logged, other than the fence it ran itself. */
  private static int firstLoopLine(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.contains("[pgha-ha-pg1]")
          && !line.contains("immediate shutdown of PostgreSQL")
          && !line.contains("lease deadline passed")
          && !line.contains("demoting: stopping PostgreSQL")
          && !line.contains("event: Demoted")) {
        return i;
      }
    }
    return -1;
  }

  /** Whether an INSERT commits on the member now. */
  static boolean insert(Node node) {
    try {
      node.execute("INSERT INTO fencing_probe VALUES (1)");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static int checkpointsRunning(Node node) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE state = 'active' AND query = 'CHECKPOINT'")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      return 0;
    }
  }

  /** The pid of the member's checkpointer process (its process title names it). */
  private static long checkpointerOf(Node node) {
    long postmaster = node.postmasterPid().orElseThrow();
    List<Long> pids =
        ProcessHandle.of(postmaster).orElseThrow().children().map(ProcessHandle::pid).toList();
    for (long pid : pids) {
      if (commandLine(pid).orElse("").contains("checkpointer")) {
        return pid;
      }
    }
    throw new IllegalStateException(node + ": no checkpointer among " + pids);
  }

  private static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Optional.of(new String(raw, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
