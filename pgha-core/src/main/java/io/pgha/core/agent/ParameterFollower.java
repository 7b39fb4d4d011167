package io.pgha.core.agent;

import io.pgha.core.config.PostgresSettings;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the {@code config} key's {@code postgresql.parameters} into effect, as Patroni does when
 * they are edited ({@code patronictl edit-config -p}, {@code PATCH /config}): a parameter that
 * takes a reload is reloaded, one that needs a restart shows as {@code pending_restart}. Applied
 * when they change, not every cycle.
 */
final class ParameterFollower {
  private static final Logger LOG = LoggerFactory.getLogger(ParameterFollower.class);

  private final String name;
  private final PostgresController postgres;
  private Map<String, Object> applied;

  ParameterFollower(String name, PostgresController postgres) {
    this.name = name;
    this.postgres = postgres;
  }

  void follow(Map<String, Object> parameters) {
    if (Objects.equals(parameters, applied)) {
      return;
    }
    Map<String, String> settings = settings(parameters);
    try {
      postgres.setDynamicParameters(settings);
      applied = parameters;
      LOG.info("[{}] dynamic parameters applied: {}", name, settings.keySet());
    } catch (IllegalArgumentException | PostgresControlException e) {
      // Tried again when the key changes; the server keeps its settings meanwhile.
      applied = parameters;
      LOG.warn("[{}] could not apply the dynamic parameters: {}", name, e.getMessage());
    }
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
