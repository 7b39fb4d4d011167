package io.pgha.core.agent;

import io.pgha.core.ha.LocalState;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;

/**
 * What the HA loop does for safety beyond the lease in every cycle: failsafe mode's facts and key
 * ({@link FailsafeGuard}) and the watchdog's keep-alive ({@link Watchdog}).
 */
final class LeaderSafety {
  private final FailsafeGuard failsafe;
  private final Watchdog watchdog;

  LeaderSafety(FailsafeGuard failsafe, Watchdog watchdog) {
    this.failsafe = failsafe;
    this.watchdog = watchdog;
  }

  /** Before the decision: adds failsafe facts to the local state. */
  void contribute(LocalState.Builder b, DynamicConfig config) {
    failsafe.contribute(b, config);
  }

  /** After the actions: what PostgreSQL is now decides the watchdog and the failsafe key. */
  void afterCycle(ClusterView view, DynamicConfig config, PostgresStatus status) {
    watchdog.afterCycle(FailsafeGuard.runsReadWrite(status), config.ttl());
    failsafe.afterCycle(view, config, status);
  }
}
