package io.pgha.core;

import static io.pgha.core.ClusterKeys.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica's agent frozen (SIGSTOP of its JVM, its PostgreSQL running on) for longer than {@code
 * loop_wait}, then thawed: its first cycle reads etcd before deciding, whatever its watched view
 * says, and it goes on following the leader. Agents in JVMs of their own.
 */
class FrozenAgentCycleTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration LOOP_WAIT = Duration.ofSeconds(2);
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final String LATE = "reading etcd before deciding";

  private static LocalPghaCluster cluster;

  @BeforeAll
  static void startCluster() {
    // A long ttl: the read that ttl / 2 forces (every 15 s) is unlikely to fall in the few seconds
    // after the thaw, so the read seen there is the late cycle's.
    cluster = new LocalPghaCluster(2, TTL, LOOP_WAIT, Duration.ofSeconds(5)).agentsInOwnJvm(true);
    cluster.startAll();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aThawedAgentReadsEtcdOnItsFirstCycle() throws Exception {
    Node leader = cluster.awaitHealthy(CONVERGE);
    Node replica = cluster.othersThan(leader).get(0);
    assertThat(within(CONVERGE, replica::isStreamingReplica)).isTrue();
    Thread.sleep(3 * LOOP_WAIT.toMillis()); // steady cycles
    long lateBefore = lateLines(replica);

    replica.pauseAgent();
    try {
      Thread.sleep(LOOP_WAIT.toMillis() + 3000);
    } finally {
      replica.resumeAgent();
    }

    assertThat(within(Duration.ofSeconds(5), () -> lateLines(replica) > lateBefore))
        .as("%s's first cycle after the thaw reads etcd (its log says why)", replica.name)
        .isTrue();
    assertThat(within(Duration.ofSeconds(10), replica::isStreamingReplica)).isTrue();
    assertThat(leader.isWritablePrimary()).isTrue();
  }

  private static long lateLines(Node node) {
    Path log = node.dataDir().getParent().resolve("agent.log");
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return lines.stream()
          .filter(l -> l.contains(LATE) && l.contains("after the previous one"))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
