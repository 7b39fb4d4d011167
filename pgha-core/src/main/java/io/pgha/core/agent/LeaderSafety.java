package io.pgha.core.agent;

import io.pgha.core.ha.LocalState;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.DynamicConfig;
import java.util.Map;

/**
 * What the HA loop does for safety in every cycle: first the lease reflex's check ({@link
 * LeaseReflex}: a leader whose lease deadline passed, e.g. a host thawed after a freeze, fences
 * before the loop reads etcd or acts), then failsafe mode's facts ({@link FailsafeGuard}), the last
 * promotion the fencing checks refused ({@link PromotionGate}) and the watchdog's keep-alive
 * ({@link Watchdog}, through the gate).
 */
final class LeaderSafety {
  private final FailsafeGuard failsafe;
  private final LeaseReflex reflex;
  private final PromotionGate gate;

  LeaderSafety(FailsafeGuard failsafe, LeaseReflex reflex, PromotionGate gate) {
    this.failsafe = failsafe;
    this.reflex = reflex;
    this.gate = gate;
  }

  /** First thing in a cycle: fences if the lease deadline passed, and waits for any fence. */
  void beforeCycle() {
    reflex.beforeCycle();
  }

  /**
   * Before the decision: adds failsafe facts (after asking the members, when the cycle could not
   * read etcd: {@link FailsafeGuard#contribute}, whose refusal fences), then fences (and waits for
   * every fence asked for) if the lease deadline passed since the cycle began (a host frozen in the
   * middle of a cycle decides only after its fence), and adds the last refused promotion.
   */
  void contribute(LocalState.Builder b, DynamicConfig config, boolean etcdRead) {
    failsafe.contribute(b, config, etcdRead);
    reflex.beforeCycle();
    gate.lastRefusal().ifPresent(b::promotionRefusal);
  }

  /** Once decided, before the actions: what the failsafe heartbeats tell of the leader's slots. */
  void decided(Map<String, Long> permanentSlots) {
    failsafe.announceSlots(permanentSlots);
  }

  /**
   * After the actions: what PostgreSQL is now decides the watchdog; failsafe remembers it. {@code
   * postmasterRunning} is checked after the actions: a status observed before a fence that the
   * lease reflex carried out meanwhile must not arm the watchdog again (nothing would keep it
   * alive).
   */
  void afterCycle(DynamicConfig config, PostgresStatus status, boolean postmasterRunning) {
    gate.afterCycle(
        FailsafeGuard.runsReadWrite(status) && postmasterRunning, config.pause(), config.ttl());
    failsafe.afterCycle(config, status);
  }
}
