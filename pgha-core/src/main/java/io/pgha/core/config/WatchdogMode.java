package io.pgha.core.config;

import java.util.Locale;

/** Patroni's {@code watchdog.mode}. */
public enum WatchdogMode {
  /** No watchdog. */
  OFF,
  /** Use the watchdog when the device can be opened; promote without it otherwise. */
  AUTOMATIC,
  /** Never promote without an armed watchdog. */
  REQUIRED;

  /** Parses Patroni's spelling ({@code off}, {@code automatic}, {@code required}). */
  public static WatchdogMode parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("watchdog.mode is null: use off, automatic or required");
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "off", "false" -> OFF;
      case "automatic" -> AUTOMATIC;
      case "required" -> REQUIRED;
      default ->
          throw new IllegalArgumentException(
              "watchdog.mode (" + value + ") must be off, automatic or required");
    };
  }
}
