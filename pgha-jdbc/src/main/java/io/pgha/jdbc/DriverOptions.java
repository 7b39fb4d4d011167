package io.pgha.jdbc;

import io.pgha.jdbc.routing.ReadPolicy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.DriverPropertyInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The options of a {@code jdbc:pgha:} URL as {@link PghaDriver#getPropertyInfo} lists them: name,
 * description, choices and the value the URL or the properties give (never the password's).
 */
final class DriverOptions {

  /** One option of the URL. */
  record Option(String name, String description, String defaultValue, String... choices) {}

  static final List<Option> OPTIONS =
      List.of(
          new Option(
              "role",
              "primary: read-write connections to the leader; replica: read-only connections to"
                  + " the replicas",
              "primary",
              "primary",
              "replica"),
          new Option(
              "namespace",
              "etcd namespace of the cluster's keys, as Patroni's namespace",
              PghaDataSourceConfig.DEFAULT_NAMESPACE),
          new Option(
              "database",
              "database every member's pool connects to",
              PghaDataSourceConfig.DEFAULT_DATABASE),
          new Option("user", "PostgreSQL user", null),
          new Option("password", "PostgreSQL password", null),
          new Option(
              "readPolicy",
              "how read-only work is spread over the replicas that qualify",
              ReadPolicy.ROUND_ROBIN.name(),
              Arrays.stream(ReadPolicy.values()).map(Enum::name).toArray(String[]::new)),
          new Option(
              "maxReplicaLagBytes",
              "largest lag, in bytes, of a replica that takes reads; negative: no bound",
              String.valueOf(PghaDataSourceConfig.DEFAULT_MAX_REPLICA_LAG_BYTES)),
          new Option(
              "leaderWaitTimeoutMs",
              "how long, in milliseconds, a write waits for a leader during a failover",
              String.valueOf(PghaDataSourceConfig.DEFAULT_LEADER_WAIT_TIMEOUT.toMillis())),
          new Option(
              "fallbackToLeader",
              "whether read-only work goes to the leader when no replica qualifies",
              "true",
              "true",
              "false"),
          new Option(
              "maximumPoolSize",
              "size of each member's connection pool",
              String.valueOf(PghaDataSourceConfig.DEFAULT_MAXIMUM_POOL_SIZE)));

  private DriverOptions() {}

  /** Every option, with the value {@code url}'s query or {@code info} sets, else its default. */
  static DriverPropertyInfo[] describe(String url, Properties info) {
    Map<String, String> given = query(url);
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        given.putIfAbsent(name, info.getProperty(name));
      }
    }
    DriverPropertyInfo[] result = new DriverPropertyInfo[OPTIONS.size()];
    for (int i = 0; i < result.length; i++) {
      Option o = OPTIONS.get(i);
      String value =
          o.name().equals("password") ? null : given.getOrDefault(o.name(), o.defaultValue());
      DriverPropertyInfo p = new DriverPropertyInfo(o.name(), value);
      p.description = o.description();
      p.required = false;
      p.choices = o.choices().length == 0 ? null : o.choices().clone();
      result[i] = p;
    }
    return result;
  }

  private static Map<String, String> query(String url) {
    Map<String, String> params = new LinkedHashMap<>();
    int q = url == null ? -1 : url.indexOf('?');
    if (q < 0) {
      return params;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        String raw = pair.substring(eq + 1);
        String value;
        try {
          value = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
          value = raw; // connect names the bad part; listing the options must not fail
        }
        params.put(pair.substring(0, eq), value);
      }
    }
    return params;
  }
}
