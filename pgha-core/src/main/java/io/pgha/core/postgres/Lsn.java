package io.pgha.core.postgres;

/**
 * A WAL position (log sequence number), the 64-bit integer Patroni writes as {@code xlog_location}.
 *
 * @param value the LSN as an unsigned 64-bit integer (non-negative in practice)
 */
public record Lsn(long value) implements Comparable<Lsn> {

  /** The zero position. */
  public static final Lsn ZERO = new Lsn(0);

  /**
   * Parses PostgreSQL's textual form, {@code X/Y} in hexadecimal.
   *
   * @throws IllegalArgumentException naming the text when it is not an LSN
   */
  public static Lsn parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("not an LSN: '" + text + "' (expected hex X/Y)");
    }
    try {
      long high = Long.parseLong(text.substring(0, slash).trim(), 16);
      long low = Long.parseLong(text.substring(slash + 1).trim(), 16);
      return new Lsn((high << 32) | low);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an LSN: '" + text + "' (expected hex X/Y)", e);
    }
  }

  /** Parses the textual form, or returns null for null (SQL NULL). */
  static Lsn parseNullable(String text) {
    return text == null ? null : parse(text);
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  /** Whether this position is after the other. */
  public boolean isAfter(Lsn other) {
    return compareTo(other) > 0;
  }

  /** PostgreSQL's textual form, e.g. {@code 0/3000060}. */
  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }
}
