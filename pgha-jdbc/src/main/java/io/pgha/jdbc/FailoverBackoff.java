package io.pgha.jdbc;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * The pauses between attempts of work retried after a failover: exponential with jitter. The first
 * pause is the configured wait on average; each next one doubles, each drawn at random within ±50 %
 * so that clients broken by the same failover do not come back in step; no pause is longer than
 * {@link #MAX_WAIT} (or the first wait, when that is longer). A zero wait retries at once. The
 * pauses need not cover a whole failover: each attempt already waits, bounded, for a leader ({@link
 * PghaDataSourceConfig#leaderWaitTimeout()}).
 */
public final class FailoverBackoff {

  /** Growth of the pause from one attempt to the next. */
  public static final double MULTIPLIER = 2.0;

  /** Each pause is drawn within this fraction around its exponential value. */
  public static final double RANDOMIZATION_FACTOR = 0.5;

  /** The longest pause, unless the first wait is longer. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(2);

  private FailoverBackoff() {}

  /**
   * The pauses for a first wait of {@code firstWait}.
   *
   * @param firstWait the mean of the first pause; zero or positive
   */
  public static IntervalFunction of(Duration firstWait) {
    if (firstWait.toMillis() < 1) {
      return attempt -> 0L;
    }
    Duration max = firstWait.compareTo(MAX_WAIT) > 0 ? firstWait : MAX_WAIT;
    return IntervalFunction.ofExponentialRandomBackoff(
        firstWait, MULTIPLIER, RANDOMIZATION_FACTOR, max);
  }
}
