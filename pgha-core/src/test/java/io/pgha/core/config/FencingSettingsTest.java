package io.pgha.core.config;

import static io.pgha.core.config.PghaConfigTest.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** failsafe_mode, pre_promote and watchdog settings. */
class FencingSettingsTest {

  @Test
  void defaultsAreNoFencingAndNoFailsafe() {
    PghaConfig config = valid().build();

    assertThat(config.fencing()).isEqualTo(FencingSettings.NONE);
    assertThat(config.fencing().prePromoteIfSet()).isEmpty();
    assertThat(config.fencing().watchdogDevice()).isEqualTo(Path.of("/dev/watchdog"));
    assertThat(config.fencing().watchdogSafetyMargin()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.failsafeMode()).isFalse();
    assertThat(config.initialDynamicConfig().failsafeMode()).isFalse();
  }

  @Test
  void failsafeModeGoesToTheDynamicConfiguration() {
    PghaConfig config = valid().failsafeMode(true).build();

    assertThat(config.initialDynamicConfig().failsafeMode()).isTrue();
    assertThat(config.toString()).contains("failsafeMode=true");
  }

  @Test
  void prePromoteAndWatchdogAreKept() {
    PghaConfig config =
        valid()
            .prePromote(List.of("/usr/local/bin/fence", "--old-primary"), Duration.ofSeconds(5))
            .watchdog(WatchdogMode.REQUIRED, Path.of("/dev/watchdog1"), Duration.ofSeconds(10))
            .build();

    assertThat(config.fencing().prePromoteIfSet())
        .hasValue(List.of("/usr/local/bin/fence", "--old-primary"));
    assertThat(config.fencing().prePromoteTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.fencing().watchdogMode()).isEqualTo(WatchdogMode.REQUIRED);
    assertThat(config.fencing().watchdogDevice()).isEqualTo(Path.of("/dev/watchdog1"));
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(
            () ->
                valid()
                    .ttl(Duration.ofSeconds(30))
                    .prePromote(Arrays.asList("fence", " "), Duration.ZERO)
                    .watchdog(
                        WatchdogMode.AUTOMATIC, Path.of("/dev/watchdog"), Duration.ofSeconds(30))
                    .build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(
            "postgresql.pre_promote ([fence,  ]) must not contain empty arguments")
        .hasMessageContaining("postgresql.pre_promote_timeout (0ms) must be positive")
        .hasMessageContaining(
            "watchdog.safety_margin (30s) must be less than ttl (30s): the watchdog timeout is ttl"
                + " - safety_margin");
    assertThatThrownBy(
            () ->
                valid()
                    .watchdog(WatchdogMode.OFF, Path.of("/dev/watchdog"), Duration.ofSeconds(-1))
                    .build())
        .hasMessageContaining("watchdog.safety_margin (-1s) must be 0 or more seconds");
    assertThatThrownBy(() -> valid().watchdog(null, null, null).build())
        .hasMessageContaining("watchdog.mode is required")
        .hasMessageContaining("watchdog.device is required")
        .hasMessageContaining("watchdog.safety_margin is required");
  }

  @Test
  void modesParseAsPatroniSpellsThem() {
    assertThat(WatchdogMode.parse("off")).isEqualTo(WatchdogMode.OFF);
    assertThat(WatchdogMode.parse("false")).isEqualTo(WatchdogMode.OFF);
    assertThat(WatchdogMode.parse(" Automatic ")).isEqualTo(WatchdogMode.AUTOMATIC);
    assertThat(WatchdogMode.parse("required")).isEqualTo(WatchdogMode.REQUIRED);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> WatchdogMode.parse("sometimes"))
        .withMessage("watchdog.mode (sometimes) must be off, automatic or required");
    assertThatIllegalArgumentException().isThrownBy(() -> WatchdogMode.parse(null));
  }
}
