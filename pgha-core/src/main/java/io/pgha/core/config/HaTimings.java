package io.pgha.core.config;

import java.time.Duration;

/**
 * The timing a cluster starts with (written to the {@code config} key when it is missing; the key's
 * values win afterwards).
 *
 * @param ttl lifetime of the leader lease: how long a dead leader keeps the key
 * @param loopWait pause between two HA cycles
 * @param retryTimeout how long an etcd or PostgreSQL operation is retried before the cycle gives up
 * @param primaryStartTimeout how long a crashed primary may take to restart in place before its
 *     leadership is released
 */
public record HaTimings(
    Duration ttl, Duration loopWait, Duration retryTimeout, Duration primaryStartTimeout) {

  /**
   * Patroni's rule: a leader that sleeps and then retries twice still renews within {@code ttl}.
   */
  public boolean satisfiesTimingRule() {
    return loopWait.plus(retryTimeout.multipliedBy(2)).compareTo(ttl) <= 0;
  }

  /** The timing keys: a preset, then what overrides it; {@link PghaConfig.Builder} sets them. */
  static final class Builder {
    RtoPreset preset = PghaConfig.DEFAULT_PRESET;
    Integer pgRto;
    Duration ttl;
    Duration loopWait;
    Duration retryTimeout;
    Duration primaryStartTimeout;

    /** The preset the timings start from: the one closest to {@code pg_rto} when it is set. */
    RtoPreset preset() {
      return pgRto != null && pgRto >= 1 ? RtoPreset.closestTo(pgRto) : preset;
    }

    /** Checks every key into {@code checks}; the result is only used when there is no problem. */
    HaTimings build(ConfigChecks checks) {
      checks.pgRto(pgRto);
      HaTimings base = preset().timings();
      HaTimings timings =
          new HaTimings(
              ttl != null ? ttl : base.ttl(),
              loopWait != null ? loopWait : base.loopWait(),
              retryTimeout != null ? retryTimeout : base.retryTimeout(),
              primaryStartTimeout != null ? primaryStartTimeout : base.primaryStartTimeout());
      checks.timings(timings);
      return timings;
    }
  }
}
