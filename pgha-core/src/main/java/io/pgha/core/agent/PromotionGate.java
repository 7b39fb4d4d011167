package io.pgha.core.agent;

import io.pgha.core.ha.PromotionRefusal;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing beyond the lease, checked right before PostgreSQL is promoted, in Patroni's order: arm
 * the watchdog, then run {@code pre_promote}. Either can cancel the promotion. A primary that did
 * not come through a promotion (bootstrapped, found running, resumed after a pause) is checked
 * after every cycle instead: a {@code required} watchdog it cannot arm is a refusal too, on which
 * the decision demotes it, as Patroni does.
 */
final class PromotionGate {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionGate.class);

  private final String name;
  private final Optional<PrePromoteCommand> prePromote;
  private final Watchdog watchdog;
  private PromotionRefusal refusal;

  PromotionGate(String name, Optional<PrePromoteCommand> prePromote, Watchdog watchdog) {
    this.name = name;
    this.prePromote = prePromote;
    this.watchdog = watchdog;
  }

  /** Empty to promote; else why not (the watchdog is left disarmed). */
  Optional<String> beforePromote(long ttlSeconds) {
    Optional<String> refused = check(ttlSeconds);
    synchronized (this) {
      refusal = refused.map(why -> new PromotionRefusal(why, System.nanoTime())).orElse(null);
    }
    return refused;
  }

  /**
   * After a cycle: keeps the watchdog in step with PostgreSQL ({@link Watchdog#afterCycle}). On a
   * read-write primary outside pause mode, the outcome replaces the last refusal: the {@code
   * required} watchdog could not be armed, or it is armed (or not required) and any earlier refusal
   * is over.
   */
  void afterCycle(boolean runsReadWrite, boolean paused, long ttlSeconds) {
    Optional<String> unusable = watchdog.afterCycle(runsReadWrite, paused, ttlSeconds);
    if (runsReadWrite && !paused) {
      synchronized (this) {
        refusal = unusable.map(why -> new PromotionRefusal(why, System.nanoTime())).orElse(null);
      }
    }
  }

  /**
   * The last refusal, until a promotion passes again: the decision holds the member out of the race
   * for a {@code loop_wait} after it.
   */
  synchronized Optional<PromotionRefusal> lastRefusal() {
    return Optional.ofNullable(refusal);
  }

  private Optional<String> check(long ttlSeconds) {
    Optional<String> refused = watchdog.arm(ttlSeconds);
    if (refused.isPresent()) {
      return refused;
    }
    if (prePromote.isEmpty()) {
      return Optional.empty();
    }
    LOG.info("[{}] running pre_promote before promoting", name);
    refused = prePromote.get().run();
    if (refused.isPresent()) {
      watchdog.disarm();
    }
    return refused;
  }
}
