package io.pgha.testkit;

import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress of a long run (a chaos run, a soak, a benchmark matrix) as one line per step: step k
 * of N (or time spent of the time planned), elapsed, and an estimate of what is left.
 *
 * <p>The lines go to the SLF4J logger {@value #LOGGER}. The long-run profiles route that logger to
 * the console and everything else to a file, so that someone watching a one-hour run sees where it
 * is without opening surefire's output files.
 */
public final class Progress {
  /** The logger the lines go to. */
  public static final String LOGGER = "progress";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final String what;
  private final int steps;
  private final long plannedNanos;
  private final long startNanos;

  private Progress(String what, int steps, long plannedNanos, long startNanos) {
    this.what = what;
    this.steps = steps;
    this.plannedNanos = plannedNanos;
    this.startNanos = startNanos;
  }

  /** A run of {@code steps} steps of roughly equal length, starting now. */
  public static Progress ofSteps(String what, int steps) {
    return new Progress(what, steps, 0, System.nanoTime());
  }

  /** A run planned to last {@code planned}, starting now. */
  public static Progress ofDuration(String what, Duration planned) {
    return new Progress(what, 0, planned.toNanos(), System.nanoTime());
  }

  /** Logs that step {@code k} (1-based) starts, with what it is. */
  public void step(int k, String detail) {
    LOG.info(line(k, detail, System.nanoTime() - startNanos));
  }

  /** The line for step {@code k} after {@code elapsedNanos}. */
  String line(int k, String detail, long elapsedNanos) {
    StringBuilder b = new StringBuilder(what).append(": ");
    long leftNanos;
    if (steps > 0) {
      b.append("step ").append(k).append(" of ").append(steps);
      int done = k - 1;
      leftNanos = done > 0 ? elapsedNanos / done * (steps - done) : -1;
    } else {
      b.append("step ").append(k);
      leftNanos = Math.max(0, plannedNanos - elapsedNanos);
    }
    b.append(", elapsed ").append(clock(elapsedNanos));
    if (steps == 0) {
      b.append(" of ").append(clock(plannedNanos));
    }
    b.append(", ETA ").append(leftNanos < 0 ? "?" : clock(leftNanos));
    if (detail != null && !detail.isEmpty()) {
      b.append(" - ").append(detail);
    }
    return b.toString();
  }

  private static String clock(long nanos) {
    long s = Math.max(0, nanos) / 1_000_000_000L;
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
