package io.pgha.core.ha;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code synchronous_standby_names} says, in the only forms pgha sets: nobody (commits never
 * wait), {@code *} (any one standby must confirm: strict mode with no named standby), or {@code
 * FIRST n ("a", ...)} with exactly {@code n} names, so that every named standby confirms every
 * commit.
 *
 * @param anyStandby the wildcard {@code *}
 * @param names the standbys named, each of which confirms every commit; empty for the wildcard
 */
public record StandbyNames(boolean anyStandby, List<String> names) {

  private static final StandbyNames NONE = new StandbyNames(false, List.of());
  private static final StandbyNames ANY = new StandbyNames(true, List.of());

  public StandbyNames {
    names = List.copyOf(Objects.requireNonNull(names, "names"));
    if (anyStandby && !names.isEmpty()) {
      throw new IllegalArgumentException("the wildcard * names no standby, got " + names);
    }
  }

  /** Commits wait for no standby. */
  public static StandbyNames none() {
    return NONE;
  }

  /** Commits wait for any one standby ({@code *}). */
  public static StandbyNames any() {
    return ANY;
  }

  /** Commits wait for every standby named. */
  public static StandbyNames of(List<String> names) {
    return names.isEmpty() ? NONE : new StandbyNames(false, names);
  }

  /** Whether commits wait for no standby at all. */
  public boolean isNone() {
    return !anyStandby && names.isEmpty();
  }

  /** Whether {@code member} is named, so that every commit waits for it. */
  public boolean names(String member) {
    return names.contains(member);
  }

  /** The setting as PostgreSQL would show it, quoted for a log line. */
  public String describe() {
    if (anyStandby) {
      return "'*'";
    }
    if (names.isEmpty()) {
      return "''";
    }
    return "'FIRST "
        + names.size()
        + " ("
        + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(","))
        + ")'";
  }
}
