package io.pgha.core.agent;

import io.pgha.core.config.PostgresSettings;
import io.pgha.core.config.RecoveryConf;
import io.pgha.core.postgres.DynamicSettings;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the {@code config} key's {@code postgresql} section into effect, as Patroni does when it is
 * edited ({@code patronictl edit-config -p}, {@code PATCH /config}): its {@code parameters} (one
 * that takes a reload is reloaded, one that needs a restart shows as {@code pending_restart}), and
 * its {@code recovery_conf}, {@code pg_hba} and {@code pg_ident} (used where the member's own
 * configuration sets none). Applied when they change, not every cycle; a value that cannot be
 * written is left out with a warning.
 */
final class ParameterFollower {
  private static final Logger LOG = LoggerFactory.getLogger(ParameterFollower.class);

  private final String name;
  private final PostgresController postgres;
  private Map<String, Object> applied;
  private Map<String, Object> appliedExtra;

  ParameterFollower(String name, PostgresController postgres) {
    this.name = name;
    this.postgres = postgres;
  }

  void follow(Map<String, Object> parameters) {
    follow(parameters, Map.of());
  }

  /**
   * @param parameters the section's {@code parameters}
   * @param postgresqlExtra the section's other keys ({@code recovery_conf}, {@code pg_hba}, ...)
   */
  void follow(Map<String, Object> parameters, Map<String, Object> postgresqlExtra) {
    if (Objects.equals(parameters, applied) && Objects.equals(postgresqlExtra, appliedExtra)) {
      return;
    }
    applied = parameters;
    appliedExtra = postgresqlExtra;
    List<String> warnings = new ArrayList<>();
    DynamicSettings dynamic;
    try {
      dynamic = dynamicSettings(parameters, postgresqlExtra, warnings);
    } catch (IllegalArgumentException e) {
      // Tried again when the key changes; the server keeps its settings meanwhile.
      LOG.warn("[{}] could not apply the dynamic parameters: {}", name, e.getMessage());
      return;
    }
    warnings.forEach(w -> LOG.warn("[{}] config key: {}", name, w));
    try {
      postgres.setDynamicSettings(dynamic);
      LOG.info(
          "[{}] dynamic parameters applied: {}{}",
          name,
          dynamic.parameters().keySet(),
          dynamic.recoveryConf().isEmpty()
                  && dynamic.pgHba().isEmpty()
                  && dynamic.pgIdent().isEmpty()
              ? ""
              : "; recovery_conf "
                  + dynamic.recoveryConf().keySet()
                  + ", pg_hba "
                  + dynamic.pgHba().size()
                  + " lines, pg_ident "
                  + dynamic.pgIdent().size()
                  + " lines");
    } catch (IllegalArgumentException | PostgresControlException e) {
      LOG.warn("[{}] could not apply the dynamic parameters: {}", name, e.getMessage());
    }
  }

  /**
   * The section as the files take it; what cannot be written is left out, with a warning in {@code
   * warnings}.
   *
   * @throws IllegalArgumentException for parameters that cannot be written at all
   */
  static DynamicSettings dynamicSettings(
      Map<String, Object> parameters, Map<String, Object> extra, List<String> warnings) {
    Map<String, String> recovery = Map.of();
    if (extra.get("recovery_conf") instanceof Map<?, ?> raw) {
      Map<String, Object> values = new LinkedHashMap<>();
      raw.forEach((k, v) -> values.put(String.valueOf(k), v));
      RecoveryConf.Read read = RecoveryConf.read("postgresql.recovery_conf", values);
      warnings.addAll(read.warnings());
      // A value that cannot be written leaves its parameter out rather than the whole section.
      read.problems().forEach(p -> warnings.add(p + ": left out"));
      recovery = read.parameters();
    } else if (extra.get("recovery_conf") != null) {
      warnings.add(
          "postgresql.recovery_conf ("
              + extra.get("recovery_conf")
              + ") is not a mapping: ignored");
    }
    return new DynamicSettings(
        settings(parameters),
        recovery,
        lines(extra, "pg_hba", warnings),
        lines(extra, "pg_ident", warnings));
  }

  /** Patroni's list of lines; anything else is ignored with a warning. */
  private static List<String> lines(Map<String, Object> extra, String key, List<String> warnings) {
    Object value = extra.get(key);
    if (value == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object line : list) {
        String text = line == null ? "" : line.toString();
        if (!DynamicSettings.isOneLine(text)) {
          warnings.add("postgresql." + key + " (" + line + ") is not one line: left out");
        } else {
          lines.add(text);
        }
      }
    } else {
      warnings.add("postgresql." + key + " (" + value + ") is not a list of lines: ignored");
    }
    return lines;
  }

  /**
   * The values as PostgreSQL settings: booleans as {@code on} / {@code off}, numbers and text as
   * written. Parameters pgha sets itself ({@link PostgresSettings#RESERVED_PARAMETERS}) are left
   * out, as Patroni ignores {@code listen_addresses} and {@code port} there.
   */
  static Map<String, String> settings(Map<String, Object> parameters) {
    Map<String, String> out = new LinkedHashMap<>();
    parameters.forEach(
        (key, value) -> {
          String lower = key.toLowerCase(Locale.ROOT);
          if (value == null || PostgresSettings.RESERVED_PARAMETERS.contains(lower)) {
            return;
          }
          out.put(key, value instanceof Boolean b ? (b ? "on" : "off") : String.valueOf(value));
        });
    return out;
  }
}
