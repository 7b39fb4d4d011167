package io.pgha.core.ha;

import java.time.Instant;
import java.util.Objects;

/**
 * The time a decision is made at, read once by the loop: the decision itself reads no clock.
 *
 * @param nanos a {@link System#nanoTime()} reading, for every deadline and age
 * @param wallClock the wall-clock time, used only to compare with a switchover's {@code
 *     scheduled_at}, which operators write as a calendar time
 */
public record Now(long nanos, Instant wallClock) {
  public Now {
    Objects.requireNonNull(wallClock, "wallClock");
  }
}
