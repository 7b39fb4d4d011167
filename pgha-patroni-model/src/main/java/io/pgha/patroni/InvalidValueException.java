package io.pgha.patroni;

/**
 * A value in etcd that cannot be read as what its key should hold. The message names the key, the
 * value (shortened) and what is allowed.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_VALUE_CHARS = 120;

  private final String key;

  InvalidValueException(String key, String value, String expected) {
    super("key '" + key + "' holds " + shorten(value) + ", expected " + expected);
    this.key = key;
  }

  /** The etcd key (or key and field, e.g. {@code .../config ttl}) that holds the bad value. */
  public String key() {
    return key;
  }

  static String shorten(String value) {
    if (value == null) {
      return "nothing";
    }
    // Control characters would let a stored value forge log lines or garble terminals.
    String oneLine = value.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= MAX_VALUE_CHARS
        ? "'" + oneLine + "'"
        : "'" + oneLine.substring(0, MAX_VALUE_CHARS) + "...' (" + value.length() + " chars)";
  }
}
