package io.pgha.core.postgres;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code config} key's {@code postgresql} section asks of every member's files, as Patroni
 * reads it from the DCS: its {@code parameters}; and its {@code recovery_conf}, {@code pg_hba} and
 * {@code pg_ident}, used where the member's own configuration sets none.
 *
 * @param parameters PostgreSQL parameters (they win over the member's own)
 * @param recoveryConf recovery parameters of a replica, already read with {@link
 *     io.pgha.core.config.RecoveryConf}
 * @param pgHba the whole pg_hba.conf; empty for none
 * @param pgIdent the whole pg_ident.conf; empty for none
 */
public record DynamicSettings(
    Map<String, String> parameters,
    Map<String, String> recoveryConf,
    List<String> pgHba,
    List<String> pgIdent) {

  /** Nothing set. */
  public static final DynamicSettings NONE =
      new DynamicSettings(Map.of(), Map.of(), List.of(), List.of());

  /**
   * Checks and copies.
   *
   * @throws IllegalArgumentException naming a parameter pgha sets itself, a malformed name, or a
   *     line that is blank or holds a line break
   */
  public DynamicSettings {
    parameters = PostgresConfig.checkedParameters(parameters);
    recoveryConf =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(PostgresConfig.checkedParameters(recoveryConf)));
    pgHba = lines("pg_hba", pgHba);
    pgIdent = lines("pg_ident", pgIdent);
  }

  /** Only {@code parameters} set. */
  public static DynamicSettings ofParameters(Map<String, String> parameters) {
    return new DynamicSettings(parameters, Map.of(), List.of(), List.of());
  }

  /** The same, with these parameters. */
  DynamicSettings withParameters(Map<String, String> values) {
    return new DynamicSettings(values, recoveryConf, pgHba, pgIdent);
  }

  /** Whether {@code line} can be one line of pg_hba.conf or pg_ident.conf: not blank, no break. */
  public static boolean isOneLine(String line) {
    return line != null && !line.isBlank() && line.chars().noneMatch(c -> c == '\n' || c == '\r');
  }

  private static List<String> lines(String key, List<String> lines) {
    for (String line : lines) {
      if (!isOneLine(line)) {
        throw new IllegalArgumentException(
            "postgresql." + key + " (" + line + ") must be one non-blank line each");
      }
    }
    return List.copyOf(lines);
  }
}
