package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RtoPresetTest {

  @ParameterizedTest(name = "{0}: ttl {1}, loop_wait {2}, retry_timeout {3}, start {4}")
  @CsvSource({
    "RAPID, 5, 1, 2, 5",
    "FAST, 20, 5, 5, 15",
    "NORM, 30, 5, 10, 25",
    "SAFE, 60, 10, 20, 45",
    "WIDE, 120, 20, 30, 95"
  })
  void presetValues(RtoPreset preset, int ttl, int loopWait, int retry, int start) {
    assertThat(preset.timings())
        .isEqualTo(
            new HaTimings(
                Duration.ofSeconds(ttl),
                Duration.ofSeconds(loopWait),
                Duration.ofSeconds(retry),
                Duration.ofSeconds(start)));
  }

  @ParameterizedTest
  @EnumSource(RtoPreset.class)
  void everyPresetPassesValidation(RtoPreset preset) {
    PghaConfig config = PghaConfigTest.valid().preset(preset).build();

    assertThat(config.timings()).isEqualTo(preset.timings());
    assertThat(config.timings().satisfiesTimingRule()).isTrue();
  }

  @ParameterizedTest(name = "pg_rto {0} -> {1}")
  @CsvSource({
    "1, RAPID",
    "5, RAPID",
    "12, RAPID",
    "13, FAST",
    "20, FAST",
    "25, NORM",
    "30, NORM",
    "45, SAFE",
    "60, SAFE",
    "90, WIDE",
    "600, WIDE"
  })
  void pgRtoMapsToTheClosestPreset(int seconds, RtoPreset expected) {
    assertThat(RtoPreset.closestTo(seconds)).isEqualTo(expected);
    assertThat(PghaConfigTest.valid().pgRto(seconds).build().timings())
        .isEqualTo(expected.timings());
  }

  @Test
  void pgRtoBelowOneIsRejected() {
    assertThatThrownBy(() -> RtoPreset.closestTo(0))
        .hasMessage("pg_rto (0) must be at least 1 second");
  }
}
