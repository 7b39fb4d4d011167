package io.pgha.core.agent;

import io.pgha.core.cluster.ClusterView;
import io.pgha.core.cluster.DynamicConfig;
import io.pgha.core.ha.LocalState;
import io.pgha.core.postgres.PostgresStatus;

/**
 * What the HA loop does for safety beyond the lease in every cycle: failsafe mode's facts ({@link
 * FailsafeGuard}), the last promotion the fencing checks refused ({@link PromotionGate}) and the
 * watchdog's keep-alive ({@link Watchdog}).
 */
final class LeaderSafety {
  private final FailsafeGuard failsafe;
  private final Watchdog watchdog;
  private final PromotionGate gate;

  LeaderSafety(FailsafeGuard failsafe, Watchdog watchdog, PromotionGate gate) {
    this.failsafe = failsafe;
    this.watchdog = watchdog;
    this.gate = gate;
  }

  /** Before the decision: adds failsafe facts and the last refused promotion to the local state. */
  void contribute(LocalState.Builder b, DynamicConfig config) {
    failsafe.contribute(b, config);
    gate.lastRefusal().ifPresent(b::promotionRefusal);
  }

  /** After the actions: what PostgreSQL is now decides the watchdog; failsafe remembers it. */
  void afterCycle(ClusterView view, DynamicConfig config, PostgresStatus status) {
    watchdog.afterCycle(FailsafeGuard.runsReadWrite(status), config.ttl());
    failsafe.afterCycle(view, config, status);
  }
}
