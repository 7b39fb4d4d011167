package io.pgha.patroni;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the values of Patroni's etcd keys.
 *
 * <p>Decoding is forgiving where Patroni is (numbers as strings, {@code master} for {@code
 * primary}, unknown fields kept) and strict where it must be: a value that is not the expected JSON
 * shape throws {@link InvalidValueException} naming the key. A single field of the wrong type is
 * reported to the {@code warnings} consumer and read as absent (or its default), so that one bad
 * field does not hide the rest of the value.
 */
public final class PatroniCodec {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final Set<String> MEMBER_FIELDS =
      Set.of(
          "conn_url",
          "api_url",
          "state",
          "role",
          "version",
          "xlog_location",
          "receive_lsn",
          "replay_lsn",
          "replication_state",
          "timeline",
          "tags",
          "pending_restart",
          "pause");
  private static final Set<String> TAG_FIELDS =
      Set.of(
          "nofailover",
          "failover_priority",
          "noloadbalance",
          "clonefrom",
          "nosync",
          "sync_priority",
          "replicatefrom",
          "nostream");
  private static final Set<String> CONFIG_FIELDS =
      Set.of(
          "ttl",
          "loop_wait",
          "retry_timeout",
          "maximum_lag_on_failover",
          "maximum_lag_on_syncnode",
          "synchronous_mode",
          "synchronous_mode_strict",
          "synchronous_node_count",
          "failsafe_mode",
          "check_timeline",
          "primary_start_timeout",
          "master_start_timeout",
          "primary_stop_timeout",
          "master_stop_timeout",
          "pause",
          "drain_timeout",
          "postgresql");
  private static final Set<String> POSTGRESQL_FIELDS =
      Set.of("use_pg_rewind", "use_slots", "parameters");

  private PatroniCodec() {}

  // ---------------------------------------------------------------- drain (pgha's own)

  /**
   * Encodes the {@code drain} announcement: {@code {"leader": ..., "successor": ..., "timeout_ms":
   * ...}}. pgha-jdbc reads it; Patroni's tools ignore the key.
   */
  public static String encodeDrain(String leader, String successor, java.time.Duration timeout) {
    ObjectNode o = JSON.createObjectNode();
    o.put("leader", leader);
    if (successor != null) {
      o.put("successor", successor);
    }
    o.put("timeout_ms", timeout.toMillis());
    return o.toString();
  }

  // ---------------------------------------------------------------- members/<name>

  /** Decodes a {@code members/<name>} value. */
  public static Member decodeMember(String key, String name, String value, Consumer<String> warn) {
    JsonFields f = new JsonFields(key, object(key, value, "a JSON object of member fields"), warn);
    Member.Builder b =
        Member.builder(name)
            .connUrl(f.string("conn_url").orElse(""))
            .apiUrl(f.string("api_url").orElse(""))
            .state(f.string("state").orElse(""))
            .role(Role.fromWire(f.string("role").orElse(null)))
            .version(f.string("version").orElse(""))
            .xlogLocation(f.longValue("xlog_location"))
            .receiveLsn(f.longValue("receive_lsn"))
            .replayLsn(f.longValue("replay_lsn"))
            .replicationState(f.string("replication_state"))
            .timeline(f.intValue("timeline"))
            .pendingRestart(f.bool("pending_restart", false))
            .pause(f.bool("pause", false))
            .extra(f.others(MEMBER_FIELDS));
    f.object("tags").ifPresent(tags -> b.tags(decodeTags(f.nested("tags", tags))));
    return b.build();
  }

  /** Encodes a member as Patroni does; fields that are absent or at their default are left out. */
  public static String encodeMember(Member m) {
    ObjectNode o = JSON.createObjectNode();
    putIfNotEmpty(o, "conn_url", m.connUrl());
    putIfNotEmpty(o, "api_url", m.apiUrl());
    putIfNotEmpty(o, "state", m.state());
    if (m.role() != Role.UNKNOWN) {
      o.put("role", m.role().wireName());
    }
    putIfNotEmpty(o, "version", m.version());
    m.xlogLocation().ifPresent(v -> o.put("xlog_location", v));
    m.receiveLsn().ifPresent(v -> o.put("receive_lsn", v));
    m.replayLsn().ifPresent(v -> o.put("replay_lsn", v));
    m.replicationState().ifPresent(v -> o.put("replication_state", v));
    m.timeline().ifPresent(v -> o.put("timeline", v));
    ObjectNode tags = encodeTags(m.tags());
    if (!tags.isEmpty()) {
      o.set("tags", tags);
    }
    if (m.pendingRestart()) {
      o.put("pending_restart", true);
    }
    if (m.pause()) {
      o.put("pause", true);
    }
    putAll(o, m.extra(), MEMBER_FIELDS);
    return o.toString();
  }

  private static Tags decodeTags(JsonFields f) {
    boolean noFailover = f.bool("nofailover", false);
    return new Tags(
        noFailover,
        f.intValue("failover_priority", Tags.DEFAULT_FAILOVER_PRIORITY),
        f.bool("noloadbalance", false),
        f.bool("clonefrom", false),
        f.bool("nosync", false),
        f.intValue("sync_priority", Tags.DEFAULT_SYNC_PRIORITY),
        f.string("replicatefrom"),
        f.bool("nostream", false),
        f.others(TAG_FIELDS));
  }

  private static ObjectNode encodeTags(Tags t) {
    ObjectNode o = JSON.createObjectNode();
    if (t.noFailover()) {
      o.put("nofailover", true);
    }
    if (t.failoverPriority() != Tags.DEFAULT_FAILOVER_PRIORITY) {
      o.put("failover_priority", t.failoverPriority());
    }
    if (t.noLoadBalance()) {
      o.put("noloadbalance", true);
    }
    if (t.cloneFrom()) {
      o.put("clonefrom", true);
    }
    if (t.noSync()) {
      o.put("nosync", true);
    }
    if (t.syncPriority() != Tags.DEFAULT_SYNC_PRIORITY) {
      o.put("sync_priority", t.syncPriority());
    }
    t.replicateFrom().ifPresent(v -> o.put("replicatefrom", v));
    if (t.noStream()) {
      o.put("nostream", true);
    }
    putAll(o, t.custom(), TAG_FIELDS);
    return o;
  }

  // ---------------------------------------------------------------- config

  /** Decodes the {@code config} value; bad fields fall back to Patroni's defaults. */
  public static DynamicConfig decodeConfig(String key, String value, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(key, object(key, value, "a JSON object of dynamic settings"), warn);
    DynamicConfig.Builder b =
        DynamicConfig.builder()
            .ttl(positive(f, "ttl", DynamicConfig.DEFAULT_TTL))
            .loopWait(positive(f, "loop_wait", DynamicConfig.DEFAULT_LOOP_WAIT))
            .retryTimeout(positive(f, "retry_timeout", DynamicConfig.DEFAULT_RETRY_TIMEOUT))
            .maximumLagOnFailover(
                f.longValue(
                    "maximum_lag_on_failover", DynamicConfig.DEFAULT_MAXIMUM_LAG_ON_FAILOVER))
            .maximumLagOnSyncnode(
                f.longValue(
                    "maximum_lag_on_syncnode", DynamicConfig.DEFAULT_MAXIMUM_LAG_ON_SYNCNODE))
            .synchronousMode(synchronousMode(f))
            .synchronousModeStrict(f.bool("synchronous_mode_strict", false))
            .synchronousNodeCount(
                f.intValue("synchronous_node_count", DynamicConfig.DEFAULT_SYNCHRONOUS_NODE_COUNT))
            .failsafeMode(f.bool("failsafe_mode", false))
            .checkTimeline(f.bool("check_timeline", false))
            .primaryStartTimeout(
                f.intValue("primary_start_timeout")
                    .orElse(
                        f.intValue(
                            "master_start_timeout", DynamicConfig.DEFAULT_PRIMARY_START_TIMEOUT)))
            .primaryStopTimeout(
                f.intValue("primary_stop_timeout")
                    .orElse(
                        f.intValue(
                            "master_stop_timeout", DynamicConfig.DEFAULT_PRIMARY_STOP_TIMEOUT)))
            .pause(f.bool("pause", false))
            .drainTimeout(nonNegative(f, "drain_timeout", DynamicConfig.DEFAULT_DRAIN_TIMEOUT));
    Map<String, Object> extra = f.others(CONFIG_FIELDS);
    // The legacy names are kept only if they were the only spelling, so they round-trip.
    if (!f.has("primary_start_timeout") && f.has("master_start_timeout")) {
      extra.remove("master_start_timeout");
    }
    b.extra(extra);
    f.object("postgresql")
        .ifPresent(
            pg -> {
              JsonFields p = f.nested("postgresql", pg);
              b.usePgRewind(p.bool("use_pg_rewind", false))
                  .useSlots(p.bool("use_slots", true))
                  .postgresqlExtra(p.others(POSTGRESQL_FIELDS));
              p.object("parameters").ifPresent(params -> b.parameters(toMap(params)));
            });
    return b.build();
  }

  /** Encodes a configuration with Patroni's names; every modelled setting is written. */
  public static String encodeConfig(DynamicConfig c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ttl", c.ttl());
    o.put("loop_wait", c.loopWait());
    o.put("retry_timeout", c.retryTimeout());
    o.put("maximum_lag_on_failover", c.maximumLagOnFailover());
    o.put("maximum_lag_on_syncnode", c.maximumLagOnSyncnode());
    switch (c.synchronousMode()) {
      case OFF -> o.put("synchronous_mode", false);
      case ON -> o.put("synchronous_mode", true);
      case QUORUM -> o.put("synchronous_mode", "quorum");
    }
    o.put("synchronous_mode_strict", c.synchronousModeStrict());
    o.put("synchronous_node_count", c.synchronousNodeCount());
    o.put("failsafe_mode", c.failsafeMode());
    o.put("check_timeline", c.checkTimeline());
    o.put("primary_start_timeout", c.primaryStartTimeout());
    o.put("primary_stop_timeout", c.primaryStopTimeout());
    if (c.pause()) {
      o.put("pause", true);
    }
    if (c.drainTimeout() != DynamicConfig.DEFAULT_DRAIN_TIMEOUT) {
      o.put("drain_timeout", c.drainTimeout());
    }
    ObjectNode pg = o.putObject("postgresql");
    pg.put("use_pg_rewind", c.usePgRewind());
    pg.put("use_slots", c.useSlots());
    pg.set("parameters", JSON.valueToTree(c.parameters()));
    putAll(pg, c.postgresqlExtra(), POSTGRESQL_FIELDS);
    putAll(o, c.extra(), CONFIG_FIELDS);
    return o.toString();
  }

  private static int nonNegative(JsonFields f, String field, int defaultValue) {
    return atLeast(f, field, 0, defaultValue, "0 or a positive number of seconds");
  }

  private static int positive(JsonFields f, String field, int defaultValue) {
    return atLeast(f, field, 1, defaultValue, "a positive number of seconds");
  }

  private static int atLeast(
      JsonFields f, String field, int minimum, int defaultValue, String allowed) {
    OptionalInt v = f.intValue(field);
    if (v.isPresent() && v.getAsInt() < minimum) {
      f.bad(field, JSON.getNodeFactory().numberNode(v.getAsInt()), allowed);
      return defaultValue;
    }
    return v.orElse(defaultValue);
  }

  private static SynchronousMode synchronousMode(JsonFields f) {
    Optional<String> raw = f.string("synchronous_mode");
    if (raw.isEmpty()) {
      return SynchronousMode.OFF;
    }
    switch (raw.get().trim().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes", "1" -> {
        return SynchronousMode.ON;
      }
      case "false", "off", "no", "0" -> {
        return SynchronousMode.OFF;
      }
      case "quorum" -> {
        return SynchronousMode.QUORUM;
      }
      default -> {
        f.bad(
            "synchronous_mode",
            JSON.getNodeFactory().stringNode(raw.get()),
            "true, false or \"quorum\"");
        return SynchronousMode.OFF;
      }
    }
  }

  // ---------------------------------------------------------------- failover

  /** Decodes the {@code failover} value; {@code {}} gives an empty request. */
  public static FailoverRequest decodeFailover(
      String key, String value, long modRevision, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(
            key, object(key, value, "a JSON object {leader, member, scheduled_at}"), warn);
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
  public static String encodeFailover(FailoverRequest r) {
    ObjectNode o = JSON.createObjectNode();
    r.leader().ifPresent(v -> o.put("leader", v));
    r.candidate().ifPresent(v -> o.put("member", v));
    r.scheduledAt()
        .ifPresent(v -> o.put("scheduled_at", v.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
    return o.toString();
  }

  // ---------------------------------------------------------------- sync

  /** Decodes the {@code sync} value. */
  public static SyncState decodeSync(
      String key, String value, long modRevision, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(key, object(key, value, "a JSON object {leader, sync_standby}"), warn);
    List<String> standbys =
        f.string("sync_standby").stream()
            .flatMap(s -> Arrays.stream(s.split(",")))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    return new SyncState(
        f.string("leader").filter(s -> !s.isEmpty()), standbys, f.intValue("quorum"), modRevision);
  }

  /** Encodes a sync state as Patroni does ({@code sync_standby} comma-separated, or null). */
  public static String encodeSync(SyncState s) {
    ObjectNode o = JSON.createObjectNode();
    if (s.leader().isPresent()) {
      o.put("leader", s.leader().get());
    } else {
      o.putNull("leader");
    }
    if (s.syncStandbys().isEmpty()) {
      o.putNull("sync_standby");
    } else {
      o.put("sync_standby", String.join(",", s.syncStandbys()));
    }
    s.quorum().ifPresent(q -> o.put("quorum", q));
    return o.toString();
  }

  // ---------------------------------------------------------------- status

  /** Decodes the {@code status} value. */
  public static ClusterStatus decodeStatus(String key, String value, Consumer<String> warn) {
    JsonFields f = new JsonFields(key, object(key, value, "a JSON object {optime, slots}"), warn);
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
  public static String encodeStatus(ClusterStatus s) {
    ObjectNode o = JSON.createObjectNode();
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

  // ---------------------------------------------------------------- history

  /** Decodes the {@code history} value; a malformed entry is skipped with a warning. */
  public static List<HistoryEntry> decodeHistory(String key, String value, Consumer<String> warn) {
    JsonNode root = tree(key, value, "a JSON array of [timeline, lsn, reason, time, leader]");
    if (!root.isArray()) {
      throw new InvalidValueException(
          key, value, "a JSON array of [timeline, lsn, reason, time, leader]");
    }
    List<HistoryEntry> entries = new ArrayList<>();
    for (JsonNode e : root.values()) {
      Optional<HistoryEntry> entry = historyEntry(e);
      if (entry.isPresent()) {
        entries.add(entry.get());
      } else {
        warn.accept(
            "key '"
                + key
                + "' has entry "
                + InvalidValueException.shorten(e.toString())
                + ", expected [timeline, lsn, reason, time, leader]; entry ignored");
      }
    }
    return entries;
  }

  private static Optional<HistoryEntry> historyEntry(JsonNode e) {
    if (!e.isArray() || e.size() < 2) {
      return Optional.empty();
    }
    var timeline = JsonFields.integer(e.get(0));
    var lsn = JsonFields.integer(e.get(1));
    if (timeline.isEmpty() || lsn.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new HistoryEntry(
            timeline.get().longValue(),
            lsn.get().longValue(),
            textAt(e, 2).orElse(""),
            textAt(e, 3),
            textAt(e, 4)));
  }

  private static Optional<String> textAt(JsonNode array, int index) {
    JsonNode n = array.get(index);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asString());
  }

  /** Encodes history as Patroni does. */
  public static String encodeHistory(List<HistoryEntry> history) {
    ArrayNode a = JSON.createArrayNode();
    for (HistoryEntry h : history) {
      ArrayNode e = a.addArray();
      e.add(h.timeline());
      e.add(h.switchLsn());
      e.add(h.reason());
      if (h.timestamp().isPresent() || h.newLeader().isPresent()) {
        e.add(h.timestamp().orElse(null));
      }
      h.newLeader().ifPresent(e::add);
    }
    return a.toString();
  }

  // ---------------------------------------------------------------- failsafe

  /** Decodes the {@code failsafe} value: member name to API URL. */
  public static Map<String, String> decodeFailsafe(
      String key, String value, Consumer<String> warn) {
    JsonNode node = object(key, value, "a JSON object {member: api_url}");
    JsonFields f = new JsonFields(key, node, warn);
    Map<String, String> result = new LinkedHashMap<>();
    for (String name : node.propertyNames()) {
      f.string(name).ifPresent(url -> result.put(name, url));
    }
    return result;
  }

  /** Encodes the {@code failsafe} value. */
  public static String encodeFailsafe(Map<String, String> members) {
    ObjectNode o = JSON.createObjectNode();
    members.forEach(o::put);
    return o.toString();
  }

  // ---------------------------------------------------------------- plain strings

  /** Decodes the {@code leader} or {@code initialize} value: a non-blank plain string. */
  public static String decodePlain(String key, String value) {
    if (value == null || value.isBlank() || value.length() > 1024) {
      throw new InvalidValueException(key, value, "a non-blank string");
    }
    return value.trim();
  }

  // ---------------------------------------------------------------- helpers

  private static JsonNode tree(String key, String value, String expected) {
    try {
      JsonNode node = JSON.readTree(value);
      if (node == null || node.isMissingNode()) {
        throw new InvalidValueException(key, value, expected);
      }
      return node;
    } catch (JacksonException e) {
      throw new InvalidValueException(key, value, expected + " (not valid JSON)");
    }
  }

  private static JsonNode object(String key, String value, String expected) {
    JsonNode node = tree(key, value, expected);
    if (!node.isObject()) {
      throw new InvalidValueException(key, value, expected);
    }
    return node;
  }

  private static void putIfNotEmpty(ObjectNode o, String field, String value) {
    if (!value.isEmpty()) {
      o.put(field, value);
    }
  }

  private static void putAll(ObjectNode o, Map<String, Object> values, Set<String> reserved) {
    values.forEach(
        (k, v) -> {
          if (!reserved.contains(k)) {
            o.set(k, JSON.valueToTree(v));
          }
        });
  }

  private static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      result.put(e.getKey(), toJava(e.getValue()));
    }
    return result;
  }

  static Object toJava(JsonNode node) {
    return JSON.convertValue(node, Object.class);
  }
}
