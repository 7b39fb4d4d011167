package io.pgha.patroni;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The small state keys: {@code leader} and {@code initialize} (plain strings), {@code failover},
 * {@code status}, {@code failsafe} and pgha's own {@code drain}.
 */
final class StateCodec {
  private StateCodec() {}

  /**
   * Encodes the {@code drain} announcement: {@code {"leader": ..., "successor": ..., "timeout_ms":
   * ...}}. pgha-jdbc reads it; Patroni's tools ignore the key.
   */
  static String encodeDrain(String leader, String successor, Duration timeout) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    o.put("leader", leader);
    if (successor != null) {
      o.put("successor", successor);
    }
    o.put("timeout_ms", timeout.toMillis());
    return o.toString();
  }

  /**
   * Decodes the {@code drain} announcement. Strict: without a leader or a timeout of 0 or more
   * there is nothing a client could safely hold writes back for.
   */
  static Drain decodeDrain(String key, String value, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(
            key,
            WireJson.object(key, value, "a JSON object {leader, successor, timeout_ms}"),
            warn);
    Optional<String> leader = f.string("leader").filter(s -> !s.isBlank());
    if (leader.isEmpty()) {
      throw new InvalidValueException(key, value, "a drain naming its leader");
    }
    OptionalLong timeout = f.longValue("timeout_ms");
    if (timeout.isEmpty() || timeout.getAsLong() < 0) {
      throw new InvalidValueException(key, value, "a drain with timeout_ms of 0 or more");
    }
    long millis = timeout.getAsLong();
    if (millis > Drain.MAX_TIMEOUT.toMillis()) {
      warn.accept(
          key
              + ": timeout_ms ("
              + millis
              + ") must be at most "
              + Drain.MAX_TIMEOUT.toMillis()
              + "; holding writes back for that long at most");
      millis = Drain.MAX_TIMEOUT.toMillis();
    }
    return new Drain(
        leader.get(), f.string("successor").filter(s -> !s.isBlank()), Duration.ofMillis(millis));
  }

  /** Decodes the {@code failover} value; {@code {}} gives an empty request. */
  static FailoverRequest decodeFailover(
      String key, String value, long modRevision, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(
            key, WireJson.object(key, value, "a JSON object {leader, member, scheduled_at}"), warn);
    Optional<OffsetDateTime> at = Optional.empty();
    Optional<String> rawAt = f.string("scheduled_at");
    if (rawAt.isPresent()) {
      try {
        at = Optional.of(OffsetDateTime.parse(rawAt.get().trim()));
      } catch (DateTimeParseException e) {
        // A request whose time cannot be read must not run at a time we guessed.
        throw new InvalidValueException(
            key + " scheduled_at", rawAt.get(), "an ISO-8601 time with zone");
      }
    }
    return new FailoverRequest(
        f.string("leader").filter(s -> !s.isEmpty()),
        f.string("member").filter(s -> !s.isEmpty()),
        at,
        modRevision);
  }

  /** Encodes a failover request as patronictl does. */
  static String encodeFailover(FailoverRequest r) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    r.leader().ifPresent(v -> o.put("leader", v));
    r.candidate().ifPresent(v -> o.put("member", v));
    r.scheduledAt()
        .ifPresent(v -> o.put("scheduled_at", v.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
    return o.toString();
  }

  /** Decodes the {@code status} value. */
  static ClusterStatus decodeStatus(String key, String value, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(key, WireJson.object(key, value, "a JSON object {optime, slots}"), warn);
    Map<String, Long> slots = new LinkedHashMap<>();
    f.object("slots")
        .ifPresent(
            node -> {
              JsonFields s = f.nested("slots", node);
              for (String slot : node.propertyNames()) {
                s.longValue(slot).ifPresent(lsn -> slots.put(slot, lsn));
              }
            });
    List<String> retain = new ArrayList<>();
    f.array("retain_slots")
        .ifPresent(
            node -> {
              for (JsonNode n : node.values()) {
                if (n.isString()) {
                  retain.add(n.asString());
                }
              }
            });
    OptionalLong optime = f.longValue("optime");
    return new ClusterStatus(optime, slots, retain);
  }

  /** Encodes a status as Patroni does. */
  static String encodeStatus(ClusterStatus s) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    s.optime().ifPresent(v -> o.put("optime", v));
    if (!s.slots().isEmpty()) {
      ObjectNode slots = o.putObject("slots");
      s.slots().forEach(slots::put);
    }
    if (!s.retainSlots().isEmpty()) {
      ArrayNode retain = o.putArray("retain_slots");
      s.retainSlots().forEach(retain::add);
    }
    return o.toString();
  }

  /** Decodes the {@code failsafe} value: member name to API URL. */
  static Map<String, String> decodeFailsafe(String key, String value, Consumer<String> warn) {
    JsonNode node = WireJson.object(key, value, "a JSON object {member: api_url}");
    JsonFields f = new JsonFields(key, node, warn);
    Map<String, String> result = new LinkedHashMap<>();
    for (String name : node.propertyNames()) {
      f.string(name).ifPresent(url -> result.put(name, url));
    }
    return result;
  }

  /** Encodes the {@code failsafe} value. */
  static String encodeFailsafe(Map<String, String> members) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    members.forEach(o::put);
    return o.toString();
  }

  // ---------------------------------------------------------------- plain strings

  /** Decodes the {@code leader} or {@code initialize} value: a non-blank plain string. */
  static String decodePlain(String key, String value) {
    if (value == null || value.isBlank() || value.length() > 1024) {
      throw new InvalidValueException(key, value, "a non-blank string");
    }
    return value.trim();
  }
}
