package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.agent.AgentEvent;
import io.pgha.core.config.WatchdogMode;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fencing beyond the lease on a real 3-node cluster: a {@code pre_promote} program that fails
 * cancels the promotion, one that succeeds lets it happen; a {@code required} watchdog that cannot
 * be opened refuses promotion; a watchdog (a plain file standing in for the device) is written to
 * while its member leads and closed with the magic {@code 'V'} when it stops cleanly.
 */
class PghaAgentFencingTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static LocalPghaCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    for (Node node : cluster.nodes()) {
      Path device = node.name.equals("pg3") ? dir.resolve("missing/watchdog") : watchdogFile(node);
      if (!node.name.equals("pg3")) {
        Files.createFile(device);
      }
      WatchdogMode mode = node.name.equals("pg3") ? WatchdogMode.REQUIRED : WatchdogMode.AUTOMATIC;
      node.configure(
          b ->
              b.prePromote(
                      List.of("sh", "-c", "test ! -e " + denyFile(node) + " || exit 7"),
                      Duration.ofSeconds(10))
                  .watchdog(mode, device, Duration.ofSeconds(1)));
    }
    // pg1 bootstraps, so that the scenario knows who leads.
    cluster.node("pg1").start();
    await().atMost(CONVERGE).until(cluster.node("pg1")::isWritablePrimary);
    cluster.node("pg2").start();
    cluster.node("pg3").start();
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(cluster.node("pg1"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void failedPrePromoteAndUnusableRequiredWatchdogCancelPromotionUntilFencingSucceeds()
      throws Exception {
    Node pg1 = cluster.node("pg1");
    Node pg2 = cluster.node("pg2");
    Node pg3 = cluster.node("pg3");

    // The leader keeps its watchdog alive every cycle.
    await().atMost(CONVERGE).until(() -> Files.readString(watchdogFile(pg1)).length() >= 3);
    assertThat(Files.readString(watchdogFile(pg1))).doesNotContain("V");

    Files.createFile(denyFile(pg2));
    long stopped = System.nanoTime();
    pg1.stop();
    assertThat(Files.readString(watchdogFile(pg1))).as("magic close on a clean stop").endsWith("V");

    // pg2's pre_promote exits 7 and pg3 cannot open its required watchdog: nobody is promoted,
    // although both take the free key in turn.
    await()
        .during(TTL.multipliedBy(3))
        .atMost(TTL.multipliedBy(4))
        .until(() -> cluster.writablePrimaries().isEmpty());
    assertThat(pg2.firstEventNanos(AgentEvent.Promoted.class, stopped)).isEmpty();
    assertThat(pg3.firstEventNanos(AgentEvent.Promoted.class, stopped)).isEmpty();
    assertThat(pg2.firstEventNanos(AgentEvent.LeadershipAcquired.class, stopped))
        .as("pg2 took the key and ran pre_promote")
        .isPresent();
    assertThat(Files.readString(watchdogFile(pg2)))
        .as("armed before pre_promote, disarmed when it failed")
        .endsWith("V");

    // The fencing program succeeds now: pg2 is promoted, its watchdog armed and kept alive.
    Files.delete(denyFile(pg2));
    await().atMost(CONVERGE).until(pg2::isWritablePrimary);
    await()
        .atMost(CONVERGE)
        .until(() -> pg2.firstEventNanos(AgentEvent.Promoted.class, stopped).isPresent());
    await()
        .atMost(CONVERGE)
        .until(() -> Files.readString(watchdogFile(pg2)).matches("(?s).*V1{3,}"));

    pg1.start();
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(pg2);
    assertThat(pg3.firstEventNanos(AgentEvent.Promoted.class, stopped)).isEmpty();
  }

  private static Path watchdogFile(Node node) {
    return dir.resolve(node.name + ".watchdog");
  }

  private static Path denyFile(Node node) {
    return dir.resolve(node.name + ".deny");
  }
}
