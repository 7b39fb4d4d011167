package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import io.pgha.core.ha.PromotionRefusal;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog's keep-alives on their own thread, against a plain file (and a named pipe) standing
 * in for the device: written while leadership is confirmed, whatever the HA loop does, and stopped
 * in time when it is not.
 */
class WatchdogKeeperTest {
  private static final Duration MARGIN = Duration.ofSeconds(1);
  private static final long NONE = Long.MIN_VALUE;

  @TempDir Path dir;

  /** When leadership was last confirmed, as the test says; {@link #NONE}: not leading. */
  private final AtomicLong confirmedAt = new AtomicLong(NONE);

  private FencingSettings settings(WatchdogMode mode, Path device) {
    return new FencingSettings(
        List.of(), Duration.ofSeconds(30), mode, device, MARGIN, WatchdogDriver.TESTING);
  }

  private WatchdogKeeper keeper(Watchdog watchdog) {
    return new WatchdogKeeper(
        "pg-1",
        watchdog,
        MARGIN,
        () -> {
          long at = confirmedAt.get();
          return at == NONE ? OptionalLong.empty() : OptionalLong.of(at);
        },
        true);
  }

  private static long keepAlives(Path device) throws Exception {
    return Files.readString(device).chars().filter(c -> c == '1').count();
  }

  @Test
  void anArmedDeviceIsKeptAliveWithoutAnyHaCycleWhileLeadershipIsConfirmed() throws Exception {
    Path device = Files.createFile(dir.resolve("watchdog"));
    Watchdog watchdog = new Watchdog("pg-1", settings(WatchdogMode.REQUIRED, device));
    assertThat(watchdog.arm(10)).isEmpty();
    assertThat(Files.readString(device)).isEqualTo("Ctimeout=9\n1");

    // The HA loop is busy elsewhere (a long pre_promote, a promotion's checkpoint): no cycle ends,
    // but etcd keeps confirming the lease.
    try (WatchdogKeeper keeper = keeper(watchdog)) {
      keeper.start();
      awaitTrue(
          "keep-alives while confirmed",
          () -> {
            confirmedAt.set(System.nanoTime());
            return keepAlives(device) >= 4;
          });
    }
    assertThat(Files.readString(device)).matches("Ctimeout=9\n1{4,}");
  }

  @Test
  void keepAlivesStopWhenTheLastConfirmationIsOlderThanTheMarginAndResumeWithTheNextOne()
      throws Exception {
    Path device = Files.createFile(dir.resolve("watchdog"));
    Watchdog watchdog = new Watchdog("pg-1", settings(WatchdogMode.REQUIRED, device));
    watchdog.arm(10);
    confirmedAt.set(System.nanoTime());

    try (WatchdogKeeper keeper = keeper(watchdog)) {
      keeper.start();
      // No confirmation after the first: within the margin (1 s) plus a period, the keep-alives
      // stop for good, so the device fires no later than the lease can expire.
      Thread.sleep(MARGIN.toMillis() + 2 * WatchdogKeeper.PERIOD_MILLIS);
      long stopped = keepAlives(device);
      Thread.sleep(4 * WatchdogKeeper.PERIOD_MILLIS);
      assertThat(keepAlives(device)).as("no keep-alive without a confirmation").isEqualTo(stopped);

      awaitTrue(
          "a keep-alive after new confirmations",
          () -> {
            confirmedAt.set(System.nanoTime());
            return keepAlives(device) > stopped;
          });

      // Not leading at all: none either.
      confirmedAt.set(NONE);
      Thread.sleep(2 * WatchdogKeeper.PERIOD_MILLIS);
      long notLeading = keepAlives(device);
      Thread.sleep(4 * WatchdogKeeper.PERIOD_MILLIS);
      assertThat(keepAlives(device)).isEqualTo(notLeading);
    }
  }

  @Test
  void aDisarmedDeviceGetsNoKeepAlive() throws Exception {
    Path device = Files.createFile(dir.resolve("watchdog"));
    Watchdog watchdog = new Watchdog("pg-1", settings(WatchdogMode.REQUIRED, device));
    watchdog.arm(10);
    watchdog.disarm();

    try (WatchdogKeeper keeper = keeper(watchdog)) {
      keeper.start();
      long end =
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * WatchdogKeeper.PERIOD_MILLIS);
      while (System.nanoTime() - end < 0) {
        confirmedAt.set(System.nanoTime());
        Thread.sleep(50);
      }
    }
    assertThat(Files.readString(device)).isEqualTo("Ctimeout=9\n1V");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aRequiredWatchdogThatCannotBeWrittenAnyMoreDemotesTheLeaderAtTheNextCycle()
      throws Exception {
    Path fifo = dir.resolve("watchdog.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Watchdog watchdog = new Watchdog("pg-1", settings(WatchdogMode.REQUIRED, fifo));
    PromotionGate gate = new PromotionGate("pg-1", Optional.empty(), watchdog);
    // The device's reader: takes what arming writes, then goes away.
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = new FileInputStream(fifo.toFile())) {
                // One byte at a time: readNBytes seeks, which a pipe refuses.
                for (int n = 0; n < "Ctimeout=9\n1".length() && in.read() != -1; n++) {}
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    reader.start();
    assertThat(gate.beforePromote(10)).isEmpty();
    reader.join(TimeUnit.SECONDS.toMillis(10));
    Files.delete(fifo);

    try (WatchdogKeeper keeper = keeper(watchdog)) {
      keeper.start();
      awaitTrue(
          "the failed keep-alive closes the device",
          () -> {
            confirmedAt.set(System.nanoTime());
            return !watchdog.isArmed();
          });
    }
    gate.afterCycle(true, false, 10);
    assertThat(gate.lastRefusal().map(PromotionRefusal::why))
        .hasValueSatisfying(why -> assertThat(why).endsWith("(watchdog.mode required)"));
  }

  @Test
  void theRule() {
    long margin = MARGIN.toNanos();
    assertThat(WatchdogKeeper.mayKeepAlive(OptionalLong.empty(), 0, margin)).isFalse();
    assertThat(WatchdogKeeper.mayKeepAlive(OptionalLong.of(-5), 0, margin)).isTrue();
    assertThat(WatchdogKeeper.mayKeepAlive(OptionalLong.of(-margin), 0, margin)).isTrue();
    assertThat(WatchdogKeeper.mayKeepAlive(OptionalLong.of(-margin - 1), 0, margin)).isFalse();
    // nanoTime may wrap: only differences count.
    assertThat(WatchdogKeeper.mayKeepAlive(OptionalLong.of(Long.MAX_VALUE), Long.MIN_VALUE, 10))
        .isTrue();
  }

  @Test
  void theLaterConfirmationCounts() {
    OptionalLong lease = OptionalLong.of(100);
    OptionalLong failsafe = OptionalLong.of(200);
    assertThat(WatchdogKeeper.latest(lease, failsafe)).isEqualTo(failsafe);
    assertThat(WatchdogKeeper.latest(failsafe, lease)).isEqualTo(failsafe);
    assertThat(WatchdogKeeper.latest(OptionalLong.empty(), lease)).isEqualTo(lease);
    assertThat(WatchdogKeeper.latest(lease, OptionalLong.empty())).isEqualTo(lease);
    assertThat(WatchdogKeeper.latest(OptionalLong.empty(), OptionalLong.empty())).isEmpty();
  }

  private static void awaitTrue(String what, ThrowingCheck check) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() - end < 0) {
      if (check.holds()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not within 10 s: " + what);
  }

  @FunctionalInterface
  private interface ThrowingCheck {
    boolean holds() throws Exception;
  }
}
