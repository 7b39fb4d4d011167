package io.pgha.benchmarks;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting. */
final class Waits {
  private Waits() {}

  /** Polls {@code done} every 50 ms; false when {@code timeout} passed first. */
  static boolean until(Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      sleep(50);
    }
    return true;
  }

  /** Throws naming {@code what} once {@code deadline} (a nanoTime) has passed. */
  static void check(long deadline, String what) {
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException("no " + what);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
