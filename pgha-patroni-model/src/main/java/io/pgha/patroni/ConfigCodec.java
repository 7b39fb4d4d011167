package io.pgha.patroni;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/** {@code config}: the dynamic configuration, with Patroni's names and defaults. */
final class ConfigCodec {
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
          "max_timelines_history",
          "pause",
          "drain_timeout",
          "fast_takeover",
          "leader_silence_timeout",
          "postgresql");
  private static final Set<String> POSTGRESQL_FIELDS =
      Set.of("use_pg_rewind", "use_slots", "parameters");

  private ConfigCodec() {}

  /** Decodes the {@code config} value; bad fields fall back to Patroni's defaults. */
  static DynamicConfig decodeConfig(String key, String value, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(key, WireJson.object(key, value, "a JSON object of dynamic settings"), warn);
    DynamicConfig.Builder b =
        DynamicConfig.builder()
            .ttl(
                within(
                    f,
                    "ttl",
                    DynamicConfig.MINIMUM_TTL,
                    DynamicConfig.MAXIMUM_TIMING,
                    DynamicConfig.DEFAULT_TTL))
            .loopWait(positive(f, "loop_wait", DynamicConfig.DEFAULT_LOOP_WAIT))
            .retryTimeout(positive(f, "retry_timeout", DynamicConfig.DEFAULT_RETRY_TIMEOUT))
            .maximumLagOnFailover(
                nonNegativeBytes(
                    f, "maximum_lag_on_failover", DynamicConfig.DEFAULT_MAXIMUM_LAG_ON_FAILOVER))
            .maximumLagOnSyncnode(
                f.longValue(
                    "maximum_lag_on_syncnode", DynamicConfig.DEFAULT_MAXIMUM_LAG_ON_SYNCNODE))
            .synchronousMode(synchronousMode(f))
            .synchronousModeStrict(f.bool("synchronous_mode_strict", false))
            .synchronousNodeCount(
                within(
                    f,
                    "synchronous_node_count",
                    1,
                    Integer.MAX_VALUE,
                    DynamicConfig.DEFAULT_SYNCHRONOUS_NODE_COUNT,
                    "a positive number"))
            .failsafeMode(f.bool("failsafe_mode", false))
            .checkTimeline(f.bool("check_timeline", false))
            .primaryStartTimeout(
                startStop(
                    f,
                    "primary_start_timeout",
                    "master_start_timeout",
                    DynamicConfig.DEFAULT_PRIMARY_START_TIMEOUT))
            .primaryStopTimeout(
                startStop(
                    f,
                    "primary_stop_timeout",
                    "master_stop_timeout",
                    DynamicConfig.DEFAULT_PRIMARY_STOP_TIMEOUT))
            .maxTimelinesHistory(
                within(
                    f,
                    "max_timelines_history",
                    0,
                    Integer.MAX_VALUE,
                    0,
                    "0 (keep every timeline) or a positive number"))
            .pause(f.bool("pause", false))
            .drainTimeout(
                within(
                    f,
                    "drain_timeout",
                    0,
                    DynamicConfig.MAXIMUM_DRAIN_TIMEOUT,
                    DynamicConfig.DEFAULT_DRAIN_TIMEOUT))
            .leaderSilenceTimeout(
                positive(
                    f, "leader_silence_timeout", DynamicConfig.DEFAULT_LEADER_SILENCE_TIMEOUT));
    if (f.has("fast_takeover")) {
      // A value that is not a boolean turns the fast path off: it is the newer, bolder behaviour.
      b.fastTakeover(f.bool("fast_takeover", false));
    }
    Map<String, Object> extra = f.others(CONFIG_FIELDS);
    // Patroni 3 keeps the key as it was given: a timeout spelt only the legacy way is written back
    // that way (GET /config and patronictl show-config show it), marked in the extra fields.
    for (Map.Entry<String, String> legacy : LEGACY_NAMES.entrySet()) {
      if (!f.has(legacy.getValue()) && f.has(legacy.getKey())) {
        extra.put(legacy.getKey(), Boolean.TRUE);
      }
    }
    b.extra(extra);
    f.object("postgresql")
        .ifPresent(
            pg -> {
              JsonFields p = f.nested("postgresql", pg);
              b.usePgRewind(p.bool("use_pg_rewind", false))
                  .useSlots(p.bool("use_slots", true))
                  .postgresqlExtra(p.others(POSTGRESQL_FIELDS));
              p.object("parameters").ifPresent(params -> b.parameters(WireJson.toMap(params)));
            });
    return b.build();
  }

  /** Encodes a configuration with Patroni's names; every modelled setting is written. */
  static String encodeConfig(DynamicConfig c) {
    ObjectNode o = WireJson.JSON.createObjectNode();
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
    o.put(spelling(c, "primary_start_timeout"), c.primaryStartTimeout());
    o.put(spelling(c, "primary_stop_timeout"), c.primaryStopTimeout());
    if (c.maxTimelinesHistory() != 0) {
      o.put("max_timelines_history", c.maxTimelinesHistory());
    }
    if (c.pause()) {
      o.put("pause", true);
    }
    if (c.drainTimeout() != DynamicConfig.DEFAULT_DRAIN_TIMEOUT) {
      o.put("drain_timeout", c.drainTimeout());
    }
    c.fastTakeover().ifPresent(v -> o.put("fast_takeover", v));
    if (c.leaderSilenceTimeout() != DynamicConfig.DEFAULT_LEADER_SILENCE_TIMEOUT) {
      o.put("leader_silence_timeout", c.leaderSilenceTimeout());
    }
    ObjectNode pg = o.putObject("postgresql");
    pg.put("use_pg_rewind", c.usePgRewind());
    pg.put("use_slots", c.useSlots());
    pg.set("parameters", WireJson.JSON.valueToTree(c.parameters()));
    WireJson.putAll(pg, c.postgresqlExtra(), POSTGRESQL_FIELDS);
    WireJson.putAll(o, c.extra(), CONFIG_FIELDS);
    return o.toString();
  }

  /** Patroni 3's names of the timeouts, and Patroni 4's. */
  private static final Map<String, String> LEGACY_NAMES =
      Map.of(
          "master_start_timeout", "primary_start_timeout",
          "master_stop_timeout", "primary_stop_timeout");

  /** The name {@code field} was read under: Patroni 3's when only that one was given. */
  private static String spelling(DynamicConfig c, String field) {
    String legacy = field.replace("primary_", "master_");
    return c.extra().containsKey(legacy) ? legacy : field;
  }

  private static int positive(JsonFields f, String field, int defaultValue) {
    return within(f, field, 1, DynamicConfig.MAXIMUM_TIMING, defaultValue);
  }

  /** Patroni's legacy {@code master_} spelling is read when the new one is absent. */
  private static int startStop(JsonFields f, String field, String legacy, int defaultValue) {
    String name = f.has(field) || !f.has(legacy) ? field : legacy;
    return within(f, name, 0, DynamicConfig.MAXIMUM_START_STOP, defaultValue);
  }

  private static int within(JsonFields f, String field, int minimum, int maximum, int dflt) {
    return within(f, field, minimum, maximum, dflt, minimum + " to " + maximum + " seconds");
  }

  /**
   * The field's value when it is within the bounds; else the default, with a warning naming the
   * field, its value and the bounds (which {@code PATCH /config} turns into a refusal).
   */
  private static int within(
      JsonFields f, String field, int minimum, int maximum, int defaultValue, String allowed) {
    OptionalInt v = f.intValue(field);
    if (v.isPresent() && (v.getAsInt() < minimum || v.getAsInt() > maximum)) {
      f.bad(field, WireJson.JSON.getNodeFactory().numberNode(v.getAsInt()), allowed);
      return defaultValue;
    }
    return v.orElse(defaultValue);
  }

  private static long nonNegativeBytes(JsonFields f, String field, long defaultValue) {
    OptionalLong v = f.longValue(field);
    if (v.isPresent() && v.getAsLong() < 0) {
      f.bad(field, WireJson.JSON.getNodeFactory().numberNode(v.getAsLong()), "0 or more bytes");
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
            WireJson.JSON.getNodeFactory().stringNode(raw.get()),
            "true, false or \"quorum\"");
        return SynchronousMode.OFF;
      }
    }
  }
}
