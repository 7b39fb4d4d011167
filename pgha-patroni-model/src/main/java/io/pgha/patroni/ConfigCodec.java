package io.pgha.patroni;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
          "pause",
          "drain_timeout",
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
    if (c.pause()) {
      o.put("pause", true);
    }
    if (c.drainTimeout() != DynamicConfig.DEFAULT_DRAIN_TIMEOUT) {
      o.put("drain_timeout", c.drainTimeout());
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
      f.bad(field, WireJson.JSON.getNodeFactory().numberNode(v.getAsInt()), allowed);
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
