package io.pgha.spring.boot.agent;

import io.pgha.spring.boot.InvalidPghaPropertyException;
import java.time.Duration;

/**
 * Checks of {@code pgha.agent.*} values that pgha-core takes as whole numbers, or does not check
 * itself (the {@code bootstrap.dcs} keys): the same rules, in the same "property (value) rule"
 * form.
 */
final class PropertyChecks {
  private PropertyChecks() {}

  /** {@code value} in whole seconds, from {@code min} to {@code max}. */
  static int seconds(String property, Duration value, long min, long max) {
    if (value.getNano() != 0) {
      throw new InvalidPghaPropertyException(
          property, value.toMillis() + "ms", "must be a whole number of seconds", null);
    }
    if (value.getSeconds() < min || value.getSeconds() > max) {
      throw new InvalidPghaPropertyException(
          property, value.getSeconds() + "s", range(min, max, "s"), null);
    }
    return (int) value.getSeconds();
  }

  /** {@code value} from {@code min} to {@code max}. */
  static long number(String property, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidPghaPropertyException(
          property, Long.toString(value), range(min, max, ""), null);
    }
    return value;
  }

  /** {@code value}, positive. */
  static Duration positive(String property, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new InvalidPghaPropertyException(
          property, value == null ? "(not set)" : value.toString(), "must be positive", null);
    }
    return value;
  }

  private static String range(long min, long max, String unit) {
    return max == Integer.MAX_VALUE || max == Long.MAX_VALUE
        ? "must be " + min + unit + " or more"
        : "must be from " + min + unit + " to " + max + unit;
  }
}
