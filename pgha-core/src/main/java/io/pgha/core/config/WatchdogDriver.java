package io.pgha.core.config;

import java.util.Locale;
import java.util.Optional;

/** Patroni's {@code watchdog.driver}: how the device is told its timeout. */
public enum WatchdogDriver {
  /**
   * A Linux watchdog device ({@code /dev/watchdog}). Java cannot issue the ioctl that sets the
   * timeout: the driver's own timeout (softdog's {@code soft_margin}) must already be at most
   * {@code ttl - safety_margin}, and is checked in sysfs where it can be read.
   */
  DEFAULT,
  /**
   * Patroni's test driver: the device is a named pipe read by a test harness, and the timeout is
   * written to it as the text {@code Ctimeout=<seconds>} and a newline, where the Linux driver
   * would issue the ioctl. Keep-alives and the magic close are the same as for a device.
   */
  TESTING;

  /** Parses Patroni's spelling ({@code default}, {@code testing}); empty for anything else. */
  public static Optional<WatchdogDriver> parse(String value) {
    return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
      case "default" -> Optional.of(DEFAULT);
      case "testing" -> Optional.of(TESTING);
      default -> Optional.empty();
    };
  }
}
