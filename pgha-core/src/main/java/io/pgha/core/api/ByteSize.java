package io.pgha.core.api;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an amount of WAL as Patroni's {@code lag} parameter accepts it: bytes ({@code 1048576}) or
 * a number with a PostgreSQL memory unit ({@code 16kB}, {@code 64MB}, {@code 1.5GB}; units are
 * powers of 1024 and case-sensitive, as in PostgreSQL).
 */
final class ByteSize {
  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d*)?)\\s*([A-Za-z]*)");
  private static final Map<String, Long> UNITS =
      Map.of(
          "", 1L,
          "B", 1L,
          "kB", 1L << 10,
          "MB", 1L << 20,
          "GB", 1L << 30,
          "TB", 1L << 40);

  private ByteSize() {}

  /**
   * The number of bytes {@code text} stands for.
   *
   * @param name the parameter's name, for the error message
   * @throws RequestRefusedException naming the parameter, the value and the accepted forms
   */
  static long parse(String name, String text) throws RequestRefusedException {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
    if (unit == null) {
      throw new RequestRefusedException(
          name
              + "='"
              + text
              + "' is not an amount of bytes: use a number of bytes or a number with B, kB, MB,"
              + " GB or TB (e.g. 16MB)");
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    return bytes.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
  }
}
