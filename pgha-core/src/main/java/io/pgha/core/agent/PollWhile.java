package io.pgha.core.agent;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A check repeated every period (from the end of one run to the start of the next) only while it is
 * needed: whoever makes it needed starts it ({@link #start}), and it stops at the first run that
 * finds it no longer needed. An idle agent's threads sleep instead of waking many times a second to
 * find nothing to do.
 */
final class PollWhile {
  private final ScheduledExecutorService scheduler;
  private final Runnable check;
  private final BooleanSupplier needed;
  private final LongSupplier periodMillis;
  private final AtomicBoolean running = new AtomicBoolean();

  PollWhile(
      ScheduledExecutorService scheduler,
      long periodMillis,
      BooleanSupplier needed,
      Runnable check) {
    this(scheduler, () -> periodMillis, needed, check);
  }

  /** A check whose period is asked for before each wait (it may depend on what the last found). */
  PollWhile(
      ScheduledExecutorService scheduler,
      LongSupplier periodMillis,
      BooleanSupplier needed,
      Runnable check) {
    this.scheduler = scheduler;
    this.periodMillis = periodMillis;
    this.needed = needed;
    this.check = check;
  }

  /** Runs the check one period from now, and on, if it is needed and not running already. */
  void start() {
    if (needed.getAsBoolean() && running.compareAndSet(false, true)) {
      later();
    }
  }

  private void later() {
    try {
      scheduler.schedule(this::run, periodMillis.getAsLong(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      running.set(false); // the scheduler is shut down
    }
  }

  private void run() {
    try {
      check.run();
    } finally {
      if (needed.getAsBoolean()) {
        later();
      } else {
        running.set(false);
        // Needed again since the line above: whoever made it so may have found it running.
        start();
      }
    }
  }
}
