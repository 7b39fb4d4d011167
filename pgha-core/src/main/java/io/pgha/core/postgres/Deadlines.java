package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.time.Duration;

/** Deadlines on the {@link System#nanoTime()} clock, shared by the controller's rooms. */
final class Deadlines {
  private Deadlines() {}

  static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  /** What is left until {@code deadline}, but at least a second: a step never gets no time. */
  static Duration remaining(long deadline) {
    return Duration.ofNanos(
        Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
  }

  static boolean passed(long deadline) {
    return System.nanoTime() - deadline >= 0;
  }

  /** Sleeps; an interrupt ends the operation (WRONG_STATE) with the flag kept. */
  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PostgresControlException(Kind.WRONG_STATE, "interrupted", e);
    }
  }
}
