package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.LocalPghaCluster.Node;
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
 * The lease reflex fences without waiting, on a real 2-member cluster: a leader that loses its
 * lease while its promotion's checkpoint is held up stops taking writes at its lease deadline, not
 * when the checkpoint ends.
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
      pg1.start();
      await().atMost(CONVERGE).until(pg1::isWritablePrimary);
      pg1.execute("CREATE TABLE fencing_probe (x int)");
      pg2.start();
      assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(pg1);

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
