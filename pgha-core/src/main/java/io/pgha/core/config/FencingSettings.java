package io.pgha.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What keeps a primary from accepting writes beyond its lease, besides the lease itself.
 *
 * @param prePromote Patroni's {@code postgresql.pre_promote}: the program and its arguments, run
 *     after this member took the leader key and before it promotes PostgreSQL; a non-zero exit or a
 *     timeout cancels the promotion. Empty for none.
 * @param prePromoteTimeout how long {@code pre_promote} may run
 * @param watchdogMode {@code watchdog.mode}
 * @param watchdogDevice {@code watchdog.device}
 * @param watchdogSafetyMargin {@code watchdog.safety_margin}: the device's timeout must be at most
 *     {@code ttl - safety_margin}
 * @param watchdogDriver {@code watchdog.driver}: how the device learns its timeout
 */
public record FencingSettings(
    List<String> prePromote,
    Duration prePromoteTimeout,
    WatchdogMode watchdogMode,
    Path watchdogDevice,
    Duration watchdogSafetyMargin,
    WatchdogDriver watchdogDriver) {

  /** Patroni's default device. */
  public static final Path DEFAULT_WATCHDOG_DEVICE = Path.of("/dev/watchdog");

  /** Patroni's default {@code watchdog.safety_margin}. */
  public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofSeconds(5);

  /** The default {@code pre_promote} time limit. */
  public static final Duration DEFAULT_PRE_PROMOTE_TIMEOUT = Duration.ofSeconds(30);

  /** No pre_promote command, no watchdog. */
  public static final FencingSettings NONE =
      new FencingSettings(
          List.of(),
          DEFAULT_PRE_PROMOTE_TIMEOUT,
          WatchdogMode.OFF,
          DEFAULT_WATCHDOG_DEVICE,
          DEFAULT_SAFETY_MARGIN);

  /** The settings with the Linux device driver ({@link WatchdogDriver#DEFAULT}). */
  public FencingSettings(
      List<String> prePromote,
      Duration prePromoteTimeout,
      WatchdogMode watchdogMode,
      Path watchdogDevice,
      Duration watchdogSafetyMargin) {
    this(
        prePromote,
        prePromoteTimeout,
        watchdogMode,
        watchdogDevice,
        watchdogSafetyMargin,
        WatchdogDriver.DEFAULT);
  }

  public FencingSettings {
    prePromote = List.copyOf(prePromote);
    Objects.requireNonNull(prePromoteTimeout, "prePromoteTimeout");
    Objects.requireNonNull(watchdogMode, "watchdogMode");
    Objects.requireNonNull(watchdogDevice, "watchdogDevice");
    Objects.requireNonNull(watchdogSafetyMargin, "watchdogSafetyMargin");
    Objects.requireNonNull(watchdogDriver, "watchdogDriver");
  }

  /** The timeout the watchdog must fire after: {@code ttl - safety_margin}, in seconds. */
  public long watchdogTimeoutSeconds(long ttlSeconds) {
    return ttlSeconds - watchdogSafetyMargin.getSeconds();
  }

  /** The pre_promote command, when one is configured. */
  public Optional<List<String>> prePromoteIfSet() {
    return prePromote.isEmpty() ? Optional.empty() : Optional.of(prePromote);
  }

  /** The fencing keys; {@link PghaConfig.Builder} sets them. */
  static final class Builder {
    private List<String> prePromote = List.of();
    private Duration prePromoteTimeout = DEFAULT_PRE_PROMOTE_TIMEOUT;
    private WatchdogMode watchdogMode = WatchdogMode.OFF;
    private Path watchdogDevice = DEFAULT_WATCHDOG_DEVICE;
    private Duration watchdogSafetyMargin = DEFAULT_SAFETY_MARGIN;
    private WatchdogDriver watchdogDriver = WatchdogDriver.DEFAULT;

    void prePromote(List<String> command, Duration timeout) {
      this.prePromote = command == null ? List.of() : List.copyOf(command);
      this.prePromoteTimeout = timeout;
    }

    void watchdog(WatchdogMode mode, Path device, Duration safetyMargin) {
      this.watchdogMode = mode;
      this.watchdogDevice = device;
      this.watchdogSafetyMargin = safetyMargin;
    }

    void watchdogDriver(WatchdogDriver driver) {
      this.watchdogDriver = driver;
    }

    /** Checks every key into {@code checks}; null when a key is missing. */
    FencingSettings build(ConfigChecks checks, HaTimings timings) {
      boolean complete =
          checks.required("postgresql.pre_promote_timeout", prePromoteTimeout)
              & checks.required("watchdog.mode", watchdogMode)
              & checks.required("watchdog.device", watchdogDevice)
              & checks.required("watchdog.safety_margin", watchdogSafetyMargin)
              & checks.required("watchdog.driver", watchdogDriver);
      if (!complete) {
        return null;
      }
      if (prePromote.stream().anyMatch(String::isBlank)) {
        checks.problem(
            "postgresql.pre_promote (" + prePromote + ") must not contain empty arguments");
      }
      if (prePromoteTimeout.isNegative() || prePromoteTimeout.isZero()) {
        checks.problem(
            "postgresql.pre_promote_timeout ("
                + prePromoteTimeout.toMillis()
                + "ms) must be positive");
      }
      if (watchdogSafetyMargin.isNegative()) {
        checks.problem(
            "watchdog.safety_margin ("
                + watchdogSafetyMargin.getSeconds()
                + "s) must be 0 or more seconds");
      } else if (watchdogMode != WatchdogMode.OFF
          && watchdogSafetyMargin.compareTo(timings.ttl()) >= 0) {
        checks.problem(
            "watchdog.safety_margin ("
                + watchdogSafetyMargin.getSeconds()
                + "s) must be less than ttl ("
                + timings.ttl().getSeconds()
                + "s): the watchdog timeout is ttl - safety_margin");
      }
      return new FencingSettings(
          prePromote,
          prePromoteTimeout,
          watchdogMode,
          watchdogDevice,
          watchdogSafetyMargin,
          watchdogDriver);
    }
  }
}
