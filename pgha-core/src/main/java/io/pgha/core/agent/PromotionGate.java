package io.pgha.core.agent;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing beyond the lease, checked right before PostgreSQL is promoted, in Patroni's order: arm
 * the watchdog, then run {@code pre_promote}. Either can cancel the promotion.
 */
final class PromotionGate {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionGate.class);

  private final String name;
  private final Optional<PrePromoteCommand> prePromote;
  private final Watchdog watchdog;
  private volatile long refusedAtNanos;
  private volatile String refusal;

  PromotionGate(String name, Optional<PrePromoteCommand> prePromote, Watchdog watchdog) {
    this.name = name;
    this.prePromote = prePromote;
    this.watchdog = watchdog;
  }

  /** Empty to promote; else why not (the watchdog is left disarmed). */
  Optional<String> beforePromote(long ttlSeconds) {
    Optional<String> refused = check(ttlSeconds);
    if (refused.isPresent()) {
      refusal = refused.get();
      refusedAtNanos = System.nanoTime();
    } else {
      refusal = null;
    }
    return refused;
  }

  /**
   * Why this member should not race for the key now: a promotion was cancelled less than {@code
   * loop_wait} ago. Racing again at once would only take the key from the others, run the fencing
   * program again and give the key up, several times a second.
   */
  Optional<String> recentlyRefused(long loopWaitSeconds) {
    String last = refusal;
    if (last == null
        || System.nanoTime() - refusedAtNanos >= TimeUnit.SECONDS.toNanos(loopWaitSeconds)) {
      return Optional.empty();
    }
    return Optional.of(last);
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
