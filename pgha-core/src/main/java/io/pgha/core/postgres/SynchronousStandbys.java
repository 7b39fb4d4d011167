package io.pgha.core.postgres;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The value of {@code synchronous_standby_names}: which standbys (by member name, their {@code
 * application_name}) must confirm a commit.
 *
 * @param method priority-based ({@code FIRST}) or quorum-based ({@code ANY})
 * @param count how many standbys must confirm
 * @param names candidate standbys, in priority order for {@code FIRST}
 */
public record SynchronousStandbys(Method method, int count, List<String> names) {

  /** Priority or quorum. */
  public enum Method {
    /** The first {@code count} connected standbys in the list. */
    FIRST,
    /** Any {@code count} standbys of the list. */
    ANY
  }

  private static final String WILDCARD = "*";

  private static final SynchronousStandbys NONE =
      new SynchronousStandbys(Method.FIRST, 0, List.of());

  /** Validates: a count between 0 and the number of names, names without a double quote. */
  public SynchronousStandbys {
    Objects.requireNonNull(method, "method");
    names = List.copyOf(names);
    if (count < 0 || count > names.size()) {
      throw new IllegalArgumentException(
          "synchronous standby count ("
              + count
              + ") must be in 0.."
              + names.size()
              + " (the names)");
    }
    for (String name : names) {
      if (name.isBlank() || name.contains("\"")) {
        throw new IllegalArgumentException(
            "synchronous standby name (" + name + ") must be non-blank without '\"'");
      }
    }
  }

  /** No synchronous standby: commits wait for no one. */
  public static SynchronousStandbys none() {
    return NONE;
  }

  /** {@code *}: any one standby must confirm (strict synchronous mode with no standby named). */
  public static SynchronousStandbys anyStandby() {
    return new SynchronousStandbys(Method.FIRST, 1, List.of(WILDCARD));
  }

  /** Whether this is the wildcard {@code *}. */
  public boolean isAnyStandby() {
    return count == 1 && names.equals(List.of(WILDCARD));
  }

  /** {@code FIRST count (names...)}. */
  public static SynchronousStandbys first(int count, List<String> names) {
    return new SynchronousStandbys(Method.FIRST, count, names);
  }

  /** {@code ANY count (names...)}. */
  public static SynchronousStandbys any(int count, List<String> names) {
    return new SynchronousStandbys(Method.ANY, count, names);
  }

  /** The setting's text, e.g. {@code FIRST 1 ("pg-2","pg-3")}; empty when none. */
  public String toSetting() {
    if (count == 0) {
      return "";
    }
    if (isAnyStandby()) {
      return WILDCARD;
    }
    return method
        + " "
        + count
        + " ("
        + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(","))
        + ")";
  }
}
