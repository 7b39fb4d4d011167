package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.WatchdogMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog, then pre_promote, before a promotion; a cancelled one holds the member back. */
class PromotionGateTest {
  @TempDir Path dir;

  private PromotionGate gate(Path device, Path deny) {
    FencingSettings settings =
        new FencingSettings(
            List.of(), Duration.ofSeconds(5), WatchdogMode.AUTOMATIC, device, Duration.ZERO);
    return new PromotionGate(
        "pg-1",
        Optional.of(
            new PrePromoteCommand(
                "pg-1", List.of("sh", "-c", "test ! -e " + deny), Duration.ofSeconds(10))),
        new Watchdog("pg-1", settings, dir.resolve("sys")));
  }

  @Test
  void aFailedPrePromoteDisarmsTheWatchdogAndIsRememberedForTheDecision() throws Exception {
    Path device = Files.createFile(dir.resolve("watchdog"));
    Path deny = Files.createFile(dir.resolve("deny"));
    PromotionGate gate = gate(device, deny);

    assertThat(gate.beforePromote(30)).hasValueSatisfying(w -> assertThat(w).contains("exited"));
    assertThat(Files.readString(device)).isEqualTo("1V");
    assertThat(gate.lastRefusal()).hasValueSatisfying(r -> assertThat(r.why()).contains("exited"));

    Files.delete(deny);
    assertThat(gate.beforePromote(30)).isEmpty();
    assertThat(gate.lastRefusal()).isEmpty();
    assertThat(Files.readString(device)).isEqualTo("1V1");
  }

  @Test
  void aRequiredWatchdogThatCannotOpenRefusesBeforePrePromoteRuns() {
    Path ran = dir.resolve("ran");
    FencingSettings settings =
        new FencingSettings(
            List.of(),
            Duration.ofSeconds(5),
            WatchdogMode.REQUIRED,
            dir.resolve("missing/watchdog"),
            Duration.ZERO);
    PromotionGate gate =
        new PromotionGate(
            "pg-1",
            Optional.of(
                new PrePromoteCommand(
                    "pg-1", List.of("touch", ran.toString()), Duration.ofSeconds(10))),
            new Watchdog("pg-1", settings, dir.resolve("sys")));

    assertThat(gate.beforePromote(30)).isPresent();
    assertThat(ran).doesNotExist();
  }

  @Test
  void withNothingConfiguredPromotionGoesAhead() {
    PromotionGate gate =
        new PromotionGate("pg-1", Optional.empty(), new Watchdog("pg-1", FencingSettings.NONE));

    assertThat(gate.beforePromote(30)).isEmpty();
  }

  @Test
  void aPrimaryWithoutItsRequiredWatchdogIsARefusalUntilTheWatchdogArms() throws Exception {
    Path device = dir.resolve("watchdog");
    FencingSettings settings =
        new FencingSettings(
            List.of(), Duration.ofSeconds(5), WatchdogMode.REQUIRED, device, Duration.ZERO);
    PromotionGate gate =
        new PromotionGate("pg-1", Optional.empty(), new Watchdog("pg-1", settings, dir));

    gate.afterCycle(true, false, 30);
    assertThat(gate.lastRefusal())
        .hasValueSatisfying(r -> assertThat(r.why()).contains("cannot be opened for writing"));

    gate.afterCycle(true, true, 30);
    assertThat(gate.lastRefusal()).as("pause changes nothing").isPresent();

    Files.createFile(device);
    gate.afterCycle(true, false, 30);
    assertThat(gate.lastRefusal()).isEmpty();
    assertThat(Files.readString(device)).isEqualTo("1");
  }
}
