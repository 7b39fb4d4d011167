package io.pgha.spring.boot.agent;

import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.convert.DurationUnit;

/**
 * The embedded agent's watchdog ({@code pgha.agent.watchdog.*}, Patroni's {@code watchdog}): a
 * Linux watchdog device armed before this member promotes and kept alive by the HA loop, so that
 * the host resets when the agent freezes while PostgreSQL runs as primary.
 */
public class PghaWatchdogProperties {

  /**
   * off (the default), automatic (use the device when it can be opened) or required (do not promote
   * without it).
   */
  private WatchdogMode mode = WatchdogMode.OFF;

  /** The watchdog device; default /dev/watchdog. */
  private Path device = FencingSettings.DEFAULT_WATCHDOG_DEVICE;

  /**
   * How long before the leader lease expires the watchdog fires (whole seconds, less than the ttl;
   * a number without a unit is seconds): the watchdog timeout is ttl - safety-margin.
   */
  @DurationUnit(java.time.temporal.ChronoUnit.SECONDS)
  private Duration safetyMargin = Duration.ofSeconds(5);

  /** default for a Linux device; testing for Patroni's test harness. */
  private WatchdogDriver driver = WatchdogDriver.DEFAULT;

  public WatchdogMode getMode() {
    return mode;
  }

  public void setMode(WatchdogMode mode) {
    this.mode = mode;
  }

  public Path getDevice() {
    return device;
  }

  public void setDevice(Path device) {
    this.device = device;
  }

  public Duration getSafetyMargin() {
    return safetyMargin;
  }

  public void setSafetyMargin(Duration safetyMargin) {
    this.safetyMargin = safetyMargin;
  }

  public WatchdogDriver getDriver() {
    return driver;
  }

  public void setDriver(WatchdogDriver driver) {
    this.driver = driver;
  }
}
