package io.pgha.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling on the monotonic clock. */
final class Poll {

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private Poll() {}

  /** Polls {@code condition} until it holds or {@code timeout} passes; true if it held. */
  static boolean until(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      sleep(INTERVAL);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
