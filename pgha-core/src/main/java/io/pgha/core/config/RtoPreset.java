package io.pgha.core.config;

import java.time.Duration;

/**
 * Ready-made timings, trading failover speed against false failovers on a jittery network. The four
 * named after Pigsty's {@code pg_rto} modes use Pigsty's values; {@link #RAPID} is pgha's own.
 */
public enum RtoPreset {
  /**
   * The fastest failover pgha stands behind, for a low-latency LAN: ttl 5 s, loop_wait 1 s,
   * retry_timeout 2 s (1 + 2 * 2 = 5, the timing rule holds exactly), primary_start_timeout 5 s. It
   * relies on the lease keep-alive running on its own schedule (every 250 ms), not on the loop, so
   * a slow cycle does not lose the lease; an etcd operation still gets 2 s, well above etcd's
   * commit latency on a LAN; a crashed primary gets as long to restart as a dead host takes to be
   * replaced.
   */
  RAPID(5, 1, 2, 5),
  /** Pigsty fast: ttl 20, loop_wait 5, retry_timeout 5, primary_start_timeout 15. */
  FAST(20, 5, 5, 15),
  /** Pigsty norm, the default: ttl 30, loop_wait 5, retry_timeout 10, primary_start_timeout 25. */
  NORM(30, 5, 10, 25),
  /** Pigsty safe: ttl 60, loop_wait 10, retry_timeout 20, primary_start_timeout 45. */
  SAFE(60, 10, 20, 45),
  /** Pigsty wide: ttl 120, loop_wait 20, retry_timeout 30, primary_start_timeout 95. */
  WIDE(120, 20, 30, 95);

  private final HaTimings timings;

  RtoPreset(int ttl, int loopWait, int retryTimeout, int primaryStartTimeout) {
    this.timings =
        new HaTimings(
            Duration.ofSeconds(ttl),
            Duration.ofSeconds(loopWait),
            Duration.ofSeconds(retryTimeout),
            Duration.ofSeconds(primaryStartTimeout));
  }

  /** The preset's ttl, loop_wait, retry_timeout and primary_start_timeout. */
  public HaTimings timings() {
    return timings;
  }

  /**
   * The preset whose ttl is closest to {@code pg_rto}, as Pigsty maps a number of seconds to a
   * mode; on a tie the slower, safer preset wins.
   *
   * @param pgRtoSeconds at least 1
   */
  public static RtoPreset closestTo(int pgRtoSeconds) {
    if (pgRtoSeconds < 1) {
      throw new IllegalArgumentException("pg_rto (" + pgRtoSeconds + ") must be at least 1 second");
    }
    RtoPreset best = RAPID;
    for (RtoPreset preset : values()) {
      long distance = Math.abs(preset.timings.ttl().getSeconds() - pgRtoSeconds);
      long bestDistance = Math.abs(best.timings.ttl().getSeconds() - pgRtoSeconds);
      if (distance <= bestDistance) {
        best = preset;
      }
    }
    return best;
  }
}
