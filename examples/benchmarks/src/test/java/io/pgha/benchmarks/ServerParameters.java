package io.pgha.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL parameters the benchmark sets on every member of a cluster ({@code
 * -Dbench.pgParameters}) with {@code ALTER SYSTEM}, to measure what a setting changes. Not through
 * the cluster's {@code config} key: pgha's agents do not apply its {@code postgresql.parameters}
 * (configuration.md), and {@code postgresql.auto.conf} wins over both systems' files.
 */
final class ServerParameters {
  private static final Logger LOG = LoggerFactory.getLogger(ServerParameters.class);
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.]+");

  private ServerParameters() {}

  /**
   * {@code name=value[,name=value...]}; empty text, no parameters. Values as PostgreSQL shows them
   * ({@code 200ms}, not {@code 0.2s}): the benchmark waits until every member shows them.
   */
  static Map<String, String> parse(String text) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String[] kv = item.trim().split("=", 2);
      if (kv.length != 2
          || !NAME.matcher(kv[0].trim()).matches()
          || !VALUE.matcher(kv[1].trim()).matches()) {
        throw new IllegalArgumentException(
            "bench.pgParameters ("
                + item.trim()
                + ") must be name=value, a PostgreSQL parameter name and a plain value");
      }
      parameters.put(kv[0].trim(), kv[1].trim());
    }
    return Map.copyOf(parameters);
  }

  /**
   * Sets the parameters on every member with {@code ALTER SYSTEM} and a reload, then waits
   * (bounded) until every member's PostgreSQL shows them.
   */
  static void apply(BenchCluster cluster, Map<String, String> parameters, Duration timeout) {
    if (parameters.isEmpty()) {
      return;
    }
    for (String member : cluster.members()) {
      try (Connection c = cluster.connect(member);
          Statement s = c.createStatement()) {
        for (Map.Entry<String, String> e : parameters.entrySet()) {
          // Names and values are checked by parse(): nothing here needs quoting beyond this.
          s.execute("ALTER SYSTEM SET " + e.getKey() + " = '" + e.getValue() + "'");
        }
        s.execute("SELECT pg_reload_conf()");
      } catch (SQLException e) {
        throw new IllegalStateException(
            "ALTER SYSTEM " + parameters + " on " + member + ": " + e.getMessage(), e);
      }
    }
    if (!Waits.until(
        timeout, () -> cluster.members().stream().allMatch(m -> applied(cluster, m, parameters)))) {
      throw new IllegalStateException(
          "PostgreSQL parameters " + parameters + " not applied on every member within " + timeout);
    }
    LOG.info(
        "{} cluster: PostgreSQL parameters {} set on every member", cluster.system(), parameters);
  }

  private static boolean applied(
      BenchCluster cluster, String member, Map<String, String> parameters) {
    try (Connection c = cluster.connect(member);
        PreparedStatement ps = c.prepareStatement("select current_setting(?)")) {
      for (Map.Entry<String, String> e : parameters.entrySet()) {
        ps.setString(1, e.getKey());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getString(1).equalsIgnoreCase(e.getValue())) {
            return false;
          }
        }
      }
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}
