package io.pgha.core.agent;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps this member's leader health checks ({@code /primary} and the others that say "I am the
 * writable leader") at 503 until an instant, whatever its own confirmations say: after a fast
 * takeover that could not show the old leader's lease silent up to the transaction ({@link
 * GuardedTakeover}), until the old leader's own checks have certainly stopped answering 200.
 */
final class LeaderChecksHold {
  private final AtomicLong untilNanos = new AtomicLong(System.nanoTime());

  /**
   * Holds the checks until {@code nanos} ({@link System#nanoTime()}), or longer if already held.
   */
  void until(long nanos) {
    untilNanos.accumulateAndGet(nanos, (a, b) -> b - a > 0 ? b : a);
  }

  /**
   * The confirmation the health checks see at {@code nowNanos}: {@code confirmedAtNanos}, or none
   * while held.
   */
  OptionalLong confirmedAt(OptionalLong confirmedAtNanos, long nowNanos) {
    return nowNanos - untilNanos.get() < 0 ? OptionalLong.empty() : confirmedAtNanos;
  }
}
