package io.pgha.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Patroni's {@code recovery_conf} ({@code postgresql.recovery_conf}, in the member's file or the
 * {@code config} key): recovery parameters a replica gets besides those pgha writes, such as a
 * {@code restore_command} to fetch WAL the upstream no longer has, or a {@code
 * recovery_min_apply_delay}. As Patroni 3.0.2 does, a replica's connection ({@code
 * primary_conninfo}, {@code primary_slot_name}) and its recovery target ({@code recovery_target*})
 * stay pgha's and are left out, and so are names that are not recovery parameters of PostgreSQL 13
 * or later, each with a warning.
 */
public final class RecoveryConf {

  /** The recovery parameters a replica is given from {@code recovery_conf}. */
  public static final Set<String> WRITTEN =
      Set.of(
          "archive_cleanup_command",
          "recovery_end_command",
          "recovery_min_apply_delay",
          "restore_command");

  /** How PostgreSQL takes {@code recovery_min_apply_delay}: milliseconds, or with a unit. */
  public static final String DELAY_PATTERN = "[0-9]{1,10}\\s*(ms|s|min|h|d)?";

  private static final Set<String> PGHAS_OWN = Set.of("primary_conninfo", "primary_slot_name");

  private static final Set<String> BEFORE_POSTGRES_12 =
      Set.of("standby_mode", "trigger_file", "pause_at_recovery_target");

  private RecoveryConf() {}

  /**
   * A {@code recovery_conf} read: the parameters kept, why each other one was left out, and the
   * kept parameters' values that cannot be written ("key (value) rule").
   */
  public record Read(Map<String, String> parameters, List<String> warnings, List<String> problems) {
    public Read {
      parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
      warnings = List.copyOf(warnings);
      problems = List.copyOf(problems);
    }
  }

  /**
   * Reads {@code values} (strings, numbers or booleans, as YAML or JSON give them) found at {@code
   * key}, e.g. {@code postgresql.recovery_conf}. A null value leaves the parameter out.
   */
  public static Read read(String key, Map<String, ?> values) {
    Map<String, String> kept = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    values.forEach(
        (name, raw) -> {
          if (raw == null) {
            return;
          }
          String value = raw instanceof Boolean b ? (b ? "on" : "off") : String.valueOf(raw);
          String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
          String at = key + "." + name + " (" + printable(value) + ")";
          if (WRITTEN.contains(lower)) {
            if (value.chars().anyMatch(Character::isISOControl)) {
              problems.add(at + " must be one line without control characters");
            } else if (lower.equals("recovery_min_apply_delay")
                && !value.strip().matches(DELAY_PATTERN)) {
              problems.add(at + " must be a whole number with an optional unit ms, s, min, h or d");
            } else {
              kept.put(lower, value);
            }
          } else {
            // No value: a primary_conninfo left here may hold a password.
            warnings.add(key + "." + name + " is ignored: " + whyLeftOut(lower));
          }
        });
    return new Read(kept, warnings, problems);
  }

  private static String whyLeftOut(String name) {
    if (PGHAS_OWN.contains(name)) {
      return "pgha writes it itself, as Patroni does";
    }
    if (name.startsWith("recovery_target")) {
      return "a replica recovers to the latest timeline with no target, as in Patroni";
    }
    if (name.equals("promote_trigger_file")) {
      return "pgha promotes replicas itself; a trigger file would promote one behind its back";
    }
    if (BEFORE_POSTGRES_12.contains(name)) {
      return "PostgreSQL 12 and later do not have it";
    }
    return "not a recovery parameter (those written are " + new java.util.TreeSet<>(WRITTEN) + ")";
  }

  private static String printable(String value) {
    return value.replaceAll("\\p{Cntrl}", "?");
  }
}
