package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.DECIDE_AGAIN;
import static io.pgha.core.ha.ActionKind.PROMOTE;
import static io.pgha.core.ha.ActionKind.PROMOTION_GATE;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.Situation.seconds;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Taking the leader key and promoting, in Patroni's order: the key, the fencing checks (the
 * watchdog, {@code pre_promote}; the key is given up when they refuse), the {@code sync} key and
 * {@code synchronous_standby_names}, the promotion, and at once another cycle for what the new
 * primary keeps. In a standby cluster there is no promotion: the key's holder follows the primary
 * cluster instead ({@link StandbyLeader}).
 */
final class Promotion {
  private Promotion() {}

  /**
   * Race for the free key: as the running primary the key is all there is to take; as a replica,
   * the promotion follows. Not within {@code loop_wait} of a promotion the fencing checks
   * cancelled: racing again at once would only take the key from the others, run the checks again
   * and give the key up, several times a second.
   */
  static Decision race(Situation s, String reason) {
    Optional<PromotionRefusal> refused = s.local().promotionRefusal();
    if (refused.isPresent()) {
      long age = s.now().nanos() - refused.get().atNanos();
      if (age < TimeUnit.SECONDS.toNanos(s.config().loopWait())) {
        return Decision.of(
            "not racing for the leader key this cycle: a promotion was cancelled "
                + seconds(age)
                + " ago ("
                + refused.get().why()
                + ")",
            Action.of(WAIT));
      }
    }
    if (s.local().isReadWrite()) {
      return Decision.of(reason, Action.of(ACQUIRE_LEADER));
    }
    if (s.config().isStandbyCluster()) {
      return StandbyLeader.takingTheKey(s, Action.of(ACQUIRE_LEADER), reason);
    }
    return new Decision(steps(s, Action.of(ACQUIRE_LEADER)), reason);
  }

  /** We hold the key and PostgreSQL runs as a replica: keep the key, then promote. */
  static Decision holdingTheKey(Situation s, String reason) {
    if (s.config().isStandbyCluster()) {
      return StandbyLeader.takingTheKey(s, Action.renew(), reason);
    }
    return new Decision(steps(s, Action.renew()), reason);
  }

  /**
   * We are taking the key over from a silent leader ({@link FastTakeover}): the transaction that
   * takes it has already named us alone in the {@code sync} key, so only {@code
   * synchronous_standby_names} is left to set before the promotion.
   */
  static Decision afterTakeover(Situation s, Takeover takeover, String reason) {
    if (s.config().isStandbyCluster()) {
      return StandbyLeader.takingTheKey(s, Action.takeover(takeover), reason);
    }
    return new Decision(
        steps(Action.takeover(takeover), SynchronousReplication.afterTakeover(s.config())), reason);
  }

  private static List<Action> steps(Situation s, Action key) {
    return steps(key, SynchronousReplication.beforePromotion(s.config(), s.name(), s.view()));
  }

  private static List<Action> steps(Action key, SyncPlan sync) {
    List<Action> steps = new ArrayList<>();
    steps.add(key);
    steps.add(Action.of(PROMOTION_GATE).otherwise(Action.of(RELEASE_LEADERSHIP)));
    if (sync.isActive()) {
      steps.add(Action.sync(sync));
    }
    steps.add(Action.of(PROMOTE));
    steps.add(Action.of(DECIDE_AGAIN));
    return steps;
  }
}
