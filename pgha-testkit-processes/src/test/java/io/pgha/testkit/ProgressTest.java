package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long MINUTE = 60_000_000_000L;

  @Test
  void countedStepsEstimateFromTheStepsDone() {
    Progress p = Progress.ofSteps("benchmark", 10);
    assertThat(p.line(1, "pgha fast sync host run 1", 0))
        .isEqualTo("benchmark: step 1 of 10, elapsed 0:00, ETA ? - pgha fast sync host run 1");
    assertThat(p.line(3, "", 4 * MINUTE))
        .isEqualTo("benchmark: step 3 of 10, elapsed 4:00, ETA 16:00");
  }

  @Test
  void aTimedRunCountsDownThePlannedTime() {
    Progress p = Progress.ofDuration("chaos", Duration.ofMinutes(90));
    assertThat(p.line(7, "fault PRIMARY_HOST_FREEZE", 65 * MINUTE))
        .isEqualTo(
            "chaos: step 7, elapsed 1:05:00 of 1:30:00, ETA 25:00 - fault PRIMARY_HOST_FREEZE");
    assertThat(p.line(8, null, 95 * MINUTE)).endsWith("ETA 0:00");
  }
}
