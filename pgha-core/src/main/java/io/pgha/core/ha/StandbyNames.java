package io.pgha.core.ha;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code synchronous_standby_names} says, in the only forms pgha sets: nobody (commits never
 * wait), {@code *} (any one standby must confirm: strict mode with no named standby), {@code FIRST
 * n ("a", ...)} with exactly {@code n} names, so that every named standby confirms every commit, or
 * (quorum commit) {@code ANY k ("a", ...)}: any {@code k} of the named standbys confirm each
 * commit.
 *
 * @param anyStandby the wildcard {@code *}
 * @param names the standbys named; empty for the wildcard
 * @param count how many standbys confirm each commit: 0 for nobody, 1 for the wildcard, the number
 *     of names for {@code FIRST}, {@code k} for {@code ANY k}
 * @param quorum the {@code ANY} form
 */
public record StandbyNames(boolean anyStandby, List<String> names, int count, boolean quorum) {

  private static final StandbyNames NONE = new StandbyNames(false, List.of());
  private static final StandbyNames ANY = new StandbyNames(true, List.of());

  public StandbyNames {
    names = List.copyOf(Objects.requireNonNull(names, "names"));
    if (anyStandby && !names.isEmpty()) {
      throw new IllegalArgumentException("the wildcard * names no standby, got " + names);
    }
    if (quorum && (anyStandby || count < 1 || count > names.size())) {
      throw new IllegalArgumentException(
          "ANY count (" + count + ") must be in 1.." + names.size() + " (the names)");
    }
  }

  /** The wildcard or every name confirming, as in priority mode. */
  public StandbyNames(boolean anyStandby, List<String> names) {
    this(anyStandby, names, anyStandby ? 1 : names.size(), false);
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

  /** Commits wait for any {@code count} of the standbys named ({@code ANY count (...)}). */
  public static StandbyNames quorum(int count, List<String> names) {
    return names.isEmpty() ? NONE : new StandbyNames(false, names, count, true);
  }

  /** Whether commits wait for no standby at all. */
  public boolean isNone() {
    return !anyStandby && names.isEmpty();
  }

  /** Whether {@code member} is named so that every commit waits for it. */
  public boolean names(String member) {
    return names.contains(member) && count == names.size();
  }

  /** Whether {@code member} is named at all (in {@code ANY k}, a commit may not wait for it). */
  public boolean lists(String member) {
    return names.contains(member);
  }

  /**
   * How many members of {@code members} hold each commit acknowledged under this setting, at the
   * least: with {@code k} of the names confirming, all but those named outside {@code members}.
   */
  int guaranteedAmong(Collection<String> members) {
    if (anyStandby || names.isEmpty()) {
      return 0;
    }
    long outside = names.stream().filter(n -> !members.contains(n)).count();
    return (int) Math.max(0, count - outside);
  }

  /** The setting as PostgreSQL would show it, quoted for a log line. */
  public String describe() {
    if (anyStandby) {
      return "'*'";
    }
    if (names.isEmpty()) {
      return "''";
    }
    return "'"
        + (quorum ? "ANY " : "FIRST ")
        + count
        + " ("
        + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(","))
        + ")'";
  }
}
