package io.pgha.core.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the armed watchdog's keep-alives on a thread of its own, every {@value #PERIOD_MILLIS} ms,
 * while this member's right to lead was confirmed within {@code watchdog.safety_margin}: a lease
 * renewal etcd confirmed with the leader key still ours, or failsafe mode's last complete round of
 * confirmations. The HA loop arms, re-times and disarms the device; it never writes keep-alives, so
 * a cycle blocked on PostgreSQL (a promotion's checkpoint, {@code pre_promote}) or on etcd does not
 * starve the device of them.
 *
 * <p>Why the margin: the device fires {@code ttl - safety_margin} after the last keep-alive.
 * Written at most {@code safety_margin} after a confirmation sent at {@code s}, the last one makes
 * the device fire by {@code s + ttl}, the earliest etcd can expire the lease (or, in failsafe mode,
 * a member that confirmed may race for the key). So a member that can no longer prove its
 * leadership (a frozen JVM, etcd gone without failsafe cover, the key lost while a fence hangs)
 * stops the keep-alives in time, whatever its HA loop does; Patroni likewise writes one after each
 * confirmed update of the leader key. A margin shorter than the period counts as one period.
 */
final class WatchdogKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchdogKeeper.class);

  /** How often the keeper looks; at most one keep-alive per look. */
  static final long PERIOD_MILLIS = 500;

  private final String name;
  private final Watchdog watchdog;
  private final Supplier<OptionalLong> confirmedAtNanos;
  private final long allowanceNanos;
  private final Optional<ScheduledExecutorService> thread;

  /**
   * @param confirmedAtNanos when this member's right to lead was last confirmed ({@link
   *     System#nanoTime()}), empty when it is not (see {@link #latest})
   * @param enabled false for {@code watchdog.mode: off}: no thread is started
   */
  WatchdogKeeper(
      String name,
      Watchdog watchdog,
      Duration safetyMargin,
      Supplier<OptionalLong> confirmedAtNanos,
      boolean enabled) {
    this.name = name;
    this.watchdog = watchdog;
    this.confirmedAtNanos = confirmedAtNanos;
    this.allowanceNanos =
        Math.max(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS), safetyMargin.toNanos());
    this.thread =
        enabled
            ? Optional.of(
                Executors.newSingleThreadScheduledExecutor(
                    r -> {
                      Thread t = new Thread(r, "pgha-watchdog-" + name);
                      t.setDaemon(true);
                      return t;
                    }))
            : Optional.empty();
  }

  void start() {
    thread.ifPresent(
        t ->
            t.scheduleWithFixedDelay(
                this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS));
  }

  private void tick() {
    try {
      if (mayKeepAlive(confirmedAtNanos.get(), System.nanoTime(), allowanceNanos)) {
        watchdog.keepAlive();
      }
    } catch (RuntimeException e) {
      LOG.error("[{}] watchdog keep-alive failed", name, e);
    }
  }

  /**
   * The rule: a keep-alive only within {@code allowanceNanos} of the last confirmation of the right
   * to lead.
   */
  static boolean mayKeepAlive(OptionalLong confirmedAtNanos, long nowNanos, long allowanceNanos) {
    return confirmedAtNanos.isPresent()
        && nowNanos - confirmedAtNanos.getAsLong() <= allowanceNanos;
  }

  /** The later of two confirmation instants on the {@link System#nanoTime()} clock. */
  static OptionalLong latest(OptionalLong a, OptionalLong b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return b.getAsLong() - a.getAsLong() > 0 ? b : a;
  }

  @Override
  public void close() {
    // No interrupt: an interrupted write would close the device (FileChannel), which then could
    // not be disarmed with the magic close.
    thread.ifPresent(ScheduledExecutorService::shutdown);
  }
}
