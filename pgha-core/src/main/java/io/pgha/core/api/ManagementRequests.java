package io.pgha.core.api;

import io.pgha.patroni.Role;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads the bodies of {@code /restart}, {@code /reinitialize} and {@code /failsafe}. */
final class ManagementRequests {
  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min|h|d)?");

  private ManagementRequests() {}

  /** Patroni's restart filters; an unknown one is refused. */
  static RestartRequest restart(ObjectNode body, OffsetDateTime now, boolean paused)
      throws RequestRefusedException {
    Optional<OffsetDateTime> schedule = Optional.empty();
    Optional<Role> role = Optional.empty();
    Optional<Integer> version = Optional.empty();
    Optional<Duration> timeout = Optional.empty();
    boolean pending = false;
    if (paused && body.has("schedule")) {
      throw new RequestRefusedException(409, "Can't schedule restart in the paused state");
    }
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "schedule" ->
            schedule = Optional.of(Schedules.parse(string(e.getKey(), v), "restart", now));
        case "role" -> role = Optional.of(role(v));
        case "postgres_version" -> version = Optional.of(postgresVersion(v));
        case "timeout" -> timeout = Optional.of(timeout(v));
        case "restart_pending" -> pending = bool("restart_pending", v);
        default ->
            throw new RequestRefusedException(
                "Unknown filter for the scheduled restart: "
                    + e.getKey()
                    + " (allowed: schedule, role, postgres_version, timeout, restart_pending)");
      }
    }
    return new RestartRequest(schedule, role, version, timeout, pending);
  }

  /** {@code force} and {@code from_leader} of {@code /reinitialize}. */
  static boolean flag(ObjectNode body, String field) throws RequestRefusedException {
    JsonNode v = body.get(field);
    return v != null && !v.isNull() && bool(field, v);
  }

  /** The leader's failsafe heartbeat. */
  static FailsafeRequest failsafe(ObjectNode body) throws RequestRefusedException {
    JsonNode name = body.get("name");
    if (name == null || !name.isString() || name.asString().isBlank()) {
      throw new RequestRefusedException("field 'name' (the leader's member name) is required");
    }
    Map<String, Long> slots = new LinkedHashMap<>();
    JsonNode s = body.get("slots");
    if (s != null && !s.isNull()) {
      if (!s.isObject()) {
        throw new RequestRefusedException("field 'slots' must be an object of slot name to LSN");
      }
      for (Map.Entry<String, JsonNode> e : s.properties()) {
        if (!e.getValue().canConvertToLong()) {
          throw new RequestRefusedException(
              "slots." + e.getKey() + " must be an integer LSN, got " + e.getValue());
        }
        slots.put(e.getKey(), e.getValue().asLong());
      }
    }
    return new FailsafeRequest(
        name.asString().trim(),
        optionalString(body, "conn_url"),
        optionalString(body, "api_url"),
        slots);
  }

  private static Role role(JsonNode v) throws RequestRefusedException {
    String text = v.isString() ? v.asString().trim().toLowerCase(Locale.ROOT) : "";
    return switch (text) {
      case "primary", "master" -> Role.PRIMARY;
      case "standby_leader" -> Role.STANDBY_LEADER;
      case "replica" -> Role.REPLICA;
      default ->
          throw new RequestRefusedException(
              "PostgreSQL role should be either primary, standby_leader, or replica, not " + v);
    };
  }

  /** {@code 15.2} → 150002, {@code 9.6.24} → 90624, as PostgreSQL's {@code server_version_num}. */
  static int postgresVersion(JsonNode v) throws RequestRefusedException {
    Matcher m = VERSION.matcher(v.isValueNode() ? v.asString().trim() : "");
    if (!m.matches()) {
      throw new RequestRefusedException(
          "Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: " + v);
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major >= 10) {
      return major * 10000 + minor;
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return major * 10000 + minor * 100 + patch;
  }

  private static Duration timeout(JsonNode v) throws RequestRefusedException {
    Matcher m = DURATION.matcher(v.isValueNode() ? v.asString().trim() : "");
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration d =
          switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
          };
      if (d.toSeconds() > 0) {
        return d;
      }
    }
    throw new RequestRefusedException("Timeout should be a positive number of seconds, not " + v);
  }

  /** Patroni's {@code parse_bool}. */
  private static boolean bool(String field, JsonNode v) throws RequestRefusedException {
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    String text = v.isValueNode() ? v.asString().trim().toLowerCase(Locale.ROOT) : "";
    return switch (text) {
      case "true", "on", "yes", "1" -> true;
      case "false", "off", "no", "0" -> false;
      default ->
          throw new RequestRefusedException(
              "field '" + field + "' must be true or false, got " + v);
    };
  }

  private static String string(String field, JsonNode v) throws RequestRefusedException {
    if (!v.isString()) {
      throw new RequestRefusedException("field '" + field + "' must be a string, got " + v);
    }
    return v.asString();
  }

  private static String optionalString(ObjectNode body, String field)
      throws RequestRefusedException {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    return string(field, v);
  }
}
