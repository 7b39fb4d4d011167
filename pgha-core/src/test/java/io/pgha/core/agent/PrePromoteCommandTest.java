package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pre_promote} with real programs. */
class PrePromoteCommandTest {
  private static Duration timeout = Duration.ofSeconds(10);

  @Test
  void exitZeroLetsThePromotionGoAhead() {
    assertThat(new PrePromoteCommand("pg-1", List.of("sh", "-c", "echo fenced"), timeout).run())
        .isEmpty();
  }

  @Test
  void aNonZeroExitCancelsItWithTheOutput() {
    assertThat(
            new PrePromoteCommand(
                    "pg-1", List.of("sh", "-c", "echo no STONITH >&2; exit 3"), timeout)
                .run())
        .hasValue("pre_promote [sh, -c, echo no STONITH >&2; exit 3] exited with 3: no STONITH");
  }

  @Test
  void runningPastTheTimeoutCancelsIt() {
    long started = System.nanoTime();
    assertThat(new PrePromoteCommand("pg-1", List.of("sleep", "30"), Duration.ofMillis(300)).run())
        .hasValue("pre_promote [sleep, 30] did not finish within 300ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aProgramThatCannotRunCancelsIt() {
    assertThat(new PrePromoteCommand("pg-1", List.of("/nonexistent/fence"), timeout).run())
        .hasValueSatisfying(
            why -> assertThat(why).startsWith("pre_promote could not run /nonexistent/fence: "));
  }
}
