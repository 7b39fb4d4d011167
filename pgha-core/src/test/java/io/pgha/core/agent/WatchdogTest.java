package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog against a plain file standing in for the device. */
class WatchdogTest {
  @TempDir Path dir;

  private Watchdog watchdog(WatchdogMode mode, Path device) {
    return new Watchdog(
        "pg-1",
        new FencingSettings(List.of(), Duration.ofSeconds(30), mode, device, Duration.ofSeconds(5)),
        dir.resolve("sys"));
  }

  private Path device() throws Exception {
    return Files.createFile(dir.resolve("watchdog"));
  }

  @Test
  void armedBeforePromotionKeptArmedWhileReadWriteDisarmedWithTheMagicClose() throws Exception {
    Path device = device();
    Watchdog w = watchdog(WatchdogMode.REQUIRED, device);

    assertThat(w.arm(30)).isEmpty();
    w.afterCycle(true, false, 30);
    assertThat(w.keepAlive()).isTrue();
    w.afterCycle(true, false, 30);
    assertThat(Files.readString(device)).as("the cycles write no keep-alives").isEqualTo("11");
    w.afterCycle(false, false, 30);
    assertThat(w.isArmed()).isFalse();
    assertThat(Files.readString(device)).isEqualTo("11V");
    w.afterCycle(false, false, 30);
    assertThat(w.keepAlive()).as("disarmed").isFalse();
    assertThat(Files.readString(device)).isEqualTo("11V");
  }

  @Test
  void aPrimaryThatDidNotComeThroughAPromotionIsArmedByTheLoop() throws Exception {
    Path device = device();
    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, device);

    w.afterCycle(true, false, 30);
    assertThat(w.isArmed()).isTrue();
    w.close();
    assertThat(Files.readString(device)).isEqualTo("1V");
  }

  @Test
  void requiredRefusesPromotionWhenTheDeviceCannotBeOpened() {
    Watchdog w = watchdog(WatchdogMode.REQUIRED, dir.resolve("missing/watchdog"));

    assertThat(w.arm(30))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("missing/watchdog is unusable: it cannot be opened for writing")
                    .endsWith("(watchdog.mode required)"));
    assertThat(w.isArmed()).isFalse();
  }

  @Test
  void automaticPromotesWithoutAWatchdogItCannotOpen() {
    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, dir.resolve("missing/watchdog"));

    assertThat(w.arm(30)).isEmpty();
    assertThat(w.isArmed()).isFalse();
    w.afterCycle(true, false, 30);
    assertThat(w.isArmed()).isFalse();
  }

  @Test
  void aDeviceTimeoutLongerThanTtlLessTheMarginIsRefused() throws Exception {
    Path device = Files.createFile(dir.resolve("watchdog1"));
    Files.createDirectories(dir.resolve("sys/watchdog1"));
    Files.writeString(dir.resolve("sys/watchdog1/timeout"), "60\n");
    Watchdog w = watchdog(WatchdogMode.REQUIRED, device);

    assertThat(w.arm(30))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains(
                        "its timeout (60s) is not within ttl - safety_margin (30s - 5s = 25s);"
                            + " set the driver's timeout (softdog soft_margin) to at most 25s"));
    assertThat(Files.readString(device)).isEmpty();
  }

  @Test
  void aDeviceTimeoutWithinTheBoundIsAccepted() throws Exception {
    Path device = Files.createFile(dir.resolve("watchdog1"));
    Files.createDirectories(dir.resolve("sys/watchdog1"));
    Files.writeString(dir.resolve("sys/watchdog1/timeout"), "25\n");
    Watchdog w = watchdog(WatchdogMode.REQUIRED, device);

    assertThat(w.arm(30)).isEmpty();
    assertThat(w.isArmed()).isTrue();
  }

  @Test
  void theLegacyDeviceNameReadsWatchdog0() throws Exception {
    Path device = Files.createDirectories(dir.resolve("dev")).resolve("watchdog");
    Files.createFile(device);
    Files.createDirectories(dir.resolve("sys/watchdog0"));
    Files.writeString(dir.resolve("sys/watchdog0/timeout"), "0");
    Watchdog w = watchdog(WatchdogMode.REQUIRED, device);

    assertThat(w.arm(30)).hasValueSatisfying(why -> assertThat(why).contains("timeout (0s)"));
  }

  @Test
  void offDoesNothing() throws Exception {
    Path device = device();
    Watchdog w = watchdog(WatchdogMode.OFF, device);

    assertThat(w.arm(30)).isEmpty();
    w.afterCycle(true, false, 30);
    w.disarm();
    assertThat(Files.readString(device)).isEmpty();
  }

  @Test
  void abandoningLeavesTheDeviceCounting() throws Exception {
    Path device = device();
    Watchdog w = watchdog(WatchdogMode.REQUIRED, device);
    w.arm(30);

    w.abandon();

    assertThat(Files.readString(device)).isEqualTo("1");
  }

  private Watchdog testingDriver(WatchdogMode mode, Path device) {
    return new Watchdog(
        "pg-1",
        new FencingSettings(
            List.of(),
            Duration.ofSeconds(30),
            mode,
            device,
            Duration.ofSeconds(5),
            WatchdogDriver.TESTING),
        dir.resolve("sys"));
  }

  @Test
  void theTestingDriverIsToldTtlLessTheMarginWhenArmedAndAgainWhenTtlChanges() throws Exception {
    Path device = device();
    Watchdog w = testingDriver(WatchdogMode.REQUIRED, device);

    assertThat(w.arm(20)).isEmpty();
    w.afterCycle(true, false, 20);
    assertThat(Files.readString(device)).isEqualTo("Ctimeout=15\n1");
    w.afterCycle(true, false, 30);
    assertThat(Files.readString(device)).isEqualTo("Ctimeout=15\n1Ctimeout=25\n");
  }

  @Test
  void pauseDisarmsAndResumeArmsAgain() throws Exception {
    Path device = device();
    Watchdog w = testingDriver(WatchdogMode.REQUIRED, device);
    w.afterCycle(true, false, 20);

    assertThat(w.afterCycle(true, true, 20)).isEmpty();
    assertThat(w.isArmed()).isFalse();
    assertThat(Files.readString(device)).isEqualTo("Ctimeout=15\n1V");

    assertThat(w.afterCycle(true, false, 20)).isEmpty();
    assertThat(w.isArmed()).isTrue();
    assertThat(Files.readString(device)).isEqualTo("Ctimeout=15\n1VCtimeout=15\n1");
  }

  @Test
  void aReadWritePrimaryWithoutTheRequiredWatchdogIsReportedAfterTheCycle() {
    Watchdog required = watchdog(WatchdogMode.REQUIRED, dir.resolve("missing/watchdog"));
    Watchdog automatic = watchdog(WatchdogMode.AUTOMATIC, dir.resolve("missing/watchdog"));

    assertThat(required.afterCycle(true, false, 30))
        .hasValueSatisfying(why -> assertThat(why).endsWith("(watchdog.mode required)"));
    assertThat(required.afterCycle(true, true, 30)).as("paused").isEmpty();
    assertThat(required.afterCycle(false, false, 30)).as("not read-write").isEmpty();
    assertThat(automatic.afterCycle(true, false, 30)).isEmpty();
  }
}
