package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaderChecksHoldTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void passesConfirmationsThroughUnlessHeld() {
    LeaderChecksHold hold = new LeaderChecksHold();
    long now = System.nanoTime();
    OptionalLong confirmed = OptionalLong.of(now - 100);

    assertThat(hold.confirmedAt(confirmed, now)).isEqualTo(confirmed);

    hold.until(now + 2 * SECOND);
    assertThat(hold.confirmedAt(confirmed, now + SECOND)).isEmpty();
    assertThat(hold.confirmedAt(confirmed, now + 2 * SECOND)).isEqualTo(confirmed);
  }

  @Test
  void anEarlierHoldDoesNotShortenALaterOne() {
    LeaderChecksHold hold = new LeaderChecksHold();
    long now = System.nanoTime();
    hold.until(now + 2 * SECOND);
    hold.until(now + SECOND);

    assertThat(hold.confirmedAt(OptionalLong.of(now), now + SECOND + 1)).isEmpty();
  }
}
