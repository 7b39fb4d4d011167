package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watchdog} and {@code postgresql.pre_promote} from Patroni files, on two members run by the
 * sidecar. The watchdog uses Patroni's test driver ({@code driver: testing}) on a plain file, which
 * records what a device would be told: the timeout ({@code Ctimeout=<ttl - safety_margin>}),
 * keep-alives ({@code 1}) and the magic close ({@code V}).
 */
class SidecarFencingTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void requiredWatchdogAndPrePromoteHoldPromotionBackAsPatroniDoes() throws Exception {
    Path script = dir.resolve("fence.sh");
    Path ran = dir.resolve("pre_promote.ran");
    Path allow = dir.resolve("pre_promote.allow");
    Files.writeString(script, "touch " + ran + "\ntest -e " + allow + "\n");
    try (SidecarCluster cluster = cluster(script)) {
      Path wd1 = dir.resolve("pg1.watchdog");
      Path wd2 = dir.resolve("pg2.watchdog");
      Files.createFile(wd1);
      Member pg1 = cluster.member("pg1");
      Member pg2 = cluster.member("pg2");

      pg1.startInProcess();
      pg2.startInProcess();
      cluster.awaitHealthy(CONVERGE);
      assertThat(pg1.isWritablePrimary()).isTrue();

      // Armed with ttl (10s) - safety_margin (5s), then kept alive every cycle.
      awaitTrue("pg1's watchdog armed and pinged", () -> read(wd1).matches("Ctimeout=5\n1{3,}"));

      // A new ttl in the config key: the device is told the new timeout.
      SidecarCluster.patchConfig(pg1, "{\"ttl\": 20}");
      awaitTrue("the timeout follows ttl", () -> read(wd1).matches("(?s).*Ctimeout=15\n1+"));

      // Pause mode disarms (magic close), resume arms again.
      SidecarCluster.patchConfig(pg1, "{\"pause\": true}");
      awaitTrue("disarmed in pause mode", () -> read(wd1).endsWith("V"));
      SidecarCluster.patchConfig(pg1, "{\"pause\": null}");
      awaitTrue("armed again on resume", () -> read(wd1).matches("(?s).*VCtimeout=15\n1+"));

      // pg1 stops: pg2 may not promote while its required watchdog cannot be opened, and its
      // pre_promote is not even run then.
      pg1.stop();
      assertThat(read(wd1)).endsWith("V");
      holdsFor(Duration.ofSeconds(5), () -> !pg2.isWritablePrimary() && !Files.exists(ran));
      assertThat(pg2.inRecovery()).contains(true);

      // The device appears: the watchdog arms, pre_promote runs and exits 1: still no promotion,
      // and the watchdog is disarmed again.
      Files.createFile(wd2);
      awaitTrue("pre_promote ran", () -> Files.exists(ran));
      awaitTrue("pg2's watchdog disarmed after pre_promote refused", () -> read(wd2).endsWith("V"));
      assertThat(read(wd2)).startsWith("Ctimeout=15\n1");
      holdsFor(Duration.ofSeconds(3), () -> !pg2.isWritablePrimary());

      // pre_promote succeeds: pg2 promotes, with its watchdog armed.
      Files.createFile(allow);
      awaitTrue("pg2 promoted", pg2::isWritablePrimary);
      awaitTrue("pg2's watchdog pinged", () -> read(wd2).matches("(?s).*VCtimeout=15\n1{2,}"));

      // A primary whose required watchdog cannot be armed (its device gone during a pause) does not
      // stay primary after the resume: it demotes and gives the leader key up.
      SidecarCluster.patchConfig(pg2, "{\"pause\": true}");
      awaitTrue("pg2's watchdog disarmed in pause mode", () -> read(wd2).endsWith("V"));
      Files.delete(wd2);
      SidecarCluster.patchConfig(pg2, "{\"pause\": null}");
      awaitTrue("pg2 demoted", () -> !pg2.isWritablePrimary());
      awaitTrue("the leader key released", () -> leader(pg2).isEmpty());
    }
  }

  /**
   * Patroni runs {@code pre_promote} off its HA loop, which goes on writing the watchdog's
   * keep-alives after each confirmed leader key update. pgha's keep-alives do not wait for the loop
   * either: a {@code pre_promote} that runs longer than the device's timeout (ttl 10 s -
   * safety_margin 5 s) must not let the device fire while the member holds the leader key.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void theWatchdogIsKeptAliveWhileALongPrePromoteHoldsTheHaLoop() throws Exception {
    Path script = dir.resolve("slow-fence.sh");
    Path started = dir.resolve("pre_promote.started");
    Path done = dir.resolve("pre_promote.done");
    Files.writeString(script, "touch " + started + "\nsleep 8\ntouch " + done + "\n");
    Files.createFile(dir.resolve("pg1.watchdog"));
    try (FakeWatchdogDevice wd2 = FakeWatchdogDevice.create(dir.resolve("pg2.watchdog"));
        SidecarCluster cluster = cluster(script)) {
      Member pg1 = cluster.member("pg1");
      Member pg2 = cluster.member("pg2");
      pg1.startInProcess();
      awaitTrue("pg1 bootstrapped", pg1::isWritablePrimary);
      pg2.startInProcess();
      cluster.awaitHealthy(CONVERGE);
      assertThat(wd2.keepAlives()).as("a replica's watchdog").isZero();

      pg1.stop();
      awaitTrue("pg2's pre_promote started", () -> Files.exists(started));
      awaitTrue("pg2's pre_promote done", () -> Files.exists(done));
      awaitTrue("pg2 promoted", pg2::isWritablePrimary);
      awaitTrue("pg2's watchdog kept alive as primary", () -> wd2.keepAlives() >= 20);

      assertThat(wd2.timeoutSeconds()).isEqualTo(5);
      assertThat(wd2.magicCloses()).isZero();
      assertThat(wd2.fired()).as("the device fired during pre_promote").isFalse();
    }
  }

  /**
   * A leader cut off from etcd (no failsafe mode) gets no keep-alive after {@code safety_margin}
   * past etcd's last confirmation, and is fenced at its lease deadline, a quarter of the ttl before
   * the device would fire: the fence disarms the device at once, without waiting for an HA cycle
   * that waits for etcd, and nothing arms it again.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aLeaderCutOffFromEtcdIsFencedAndItsWatchdogDisarmedBeforeItFires() throws Exception {
    try (FakeWatchdogDevice wd1 = FakeWatchdogDevice.create(dir.resolve("pg1.watchdog"));
        SidecarCluster cluster = cluster(dir.resolve("unused.sh"))) {
      Member pg1 = cluster.member("pg1");
      pg1.startInProcess();
      awaitTrue("pg1 bootstrapped", pg1::isWritablePrimary);
      awaitTrue("pg1's watchdog kept alive", () -> wd1.keepAlives() >= 5);

      cluster.etcd.member(0).pause();
      try {
        awaitTrue("pg1's watchdog disarmed", () -> wd1.magicCloses() >= 1);
        assertThat(pg1.isWritablePrimary()).as("fenced").isFalse();
        holdsFor(Duration.ofSeconds(8), () -> !wd1.fired());
        assertThat(wd1.timeoutSeconds()).isEqualTo(5);
      } finally {
        cluster.etcd.member(0).resume();
      }
    }
  }

  /**
   * Two members with a {@code required} watchdog on Patroni's test driver at {@code
   * <name>.watchdog} in {@link #dir} (ttl 10 s - safety_margin 5 s), and pg2 with {@code
   * pre_promote: sh <script>}.
   */
  private SidecarCluster cluster(Path pg2PrePromote) throws java.io.IOException {
    return new SidecarCluster(
        2,
        name -> name.equals("pg2") ? "  pre_promote: sh " + pg2PrePromote + "\n" : "",
        name ->
            "watchdog:\n  mode: required\n  driver: testing\n  safety_margin: 5\n"
                + "  device: "
                + dir.resolve(name + ".watchdog")
                + "\n");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** The leader's name in {@code GET /cluster} of {@code m}; empty when there is none. */
  private static Optional<String> leader(Member m) {
    try {
      HttpResponse<String> r =
          SidecarCluster.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + "/cluster"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      java.util.regex.Matcher leader =
          java.util.regex.Pattern.compile(
                  "\"name\"\\s*:\\s*\"([^\"]+)\"[^}]*\"role\"\\s*:\\s*\"(leader|master|primary)\"")
              .matcher(r.body());
      return leader.find() ? Optional.of(leader.group(1)) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.of("unknown");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("unknown");
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition)
      throws InterruptedException {
    SidecarCluster.await(
        CONVERGE, what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
  }

  /** {@code condition} holds at every check for {@code period}. */
  private static void holdsFor(Duration period, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() - end < 0) {
      assertThat(condition.getAsBoolean()).as("held for %s", period).isTrue();
      Thread.sleep(200);
    }
  }
}
