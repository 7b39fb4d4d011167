package io.pgha.patroni;

import java.util.Optional;

/**
 * Which member names pgha writes into another language's syntax: {@code synchronous_standby_names},
 * configuration files, HAProxy {@code server} lines. A member name comes from a key in etcd, which
 * anyone with write access there can forge; a name with a quote, a backslash, a {@code #}, white
 * space or a control character could end the value it is written in and add settings of its own, so
 * such a member is left out there (and the refusal logged), never quoted around.
 */
public final class MemberNames {
  /** The rule, for messages: "name (value) " + RULE. */
  public static final String RULE =
      "must be non-empty, without quotes, backslashes, '#', white space or control characters";

  private MemberNames() {}

  /** Whether {@code name} can be written into a setting or a configuration file as it is. */
  public static boolean isSafe(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    return name.codePoints()
        .noneMatch(
            c ->
                c == '"'
                    || c == '\''
                    || c == '`'
                    || c == '\\'
                    || c == '#'
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
  }

  /** Why {@code name} is refused, as "what (value) rule"; empty when it is safe. */
  public static Optional<String> whyUnsafe(String what, String name) {
    return isSafe(name)
        ? Optional.empty()
        : Optional.of(what + " (" + printable(name) + ") " + RULE);
  }

  /** {@code value} with control characters shown as escapes, fit for one log line. */
  public static String printable(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
