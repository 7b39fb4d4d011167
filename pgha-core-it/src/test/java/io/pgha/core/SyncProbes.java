package io.pgha.core;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

/**
 * What the synchronous replication tests read from a member: a setting, a standby's {@code
 * sync_state} on the primary, the ids in table {@code t}, and its REST API.
 */
final class SyncProbes {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SyncProbes() {}

  /** A superuser connection with the given socket timeout. */
  static Connection connect(Node node, int socketTimeoutSeconds) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", LocalPghaCluster.superuserPassword());
    p.setProperty("connectTimeout", "2");
    p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + node.pgPort + "/postgres", p);
  }

  static String setting(Node node, String name) throws SQLException {
    try (Connection c = node.connect();
        PreparedStatement p =
            c.prepareStatement("SELECT setting FROM pg_settings WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static String syncStateOf(Node primary, String standby) throws SQLException {
    try (Connection c = primary.connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = ?")) {
      p.setString(1, standby);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : "not connected";
      }
    }
  }

  /** The ids in table {@code t}; none when the member cannot be read. */
  static Set<Long> ids(Node node) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM t")) {
      Set<Long> ids = new HashSet<>();
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
      return ids;
    } catch (SQLException e) {
      return Set.of();
    }
  }

  static int patchConfig(Node node, String json) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(node.apiUrl().orElseThrow() + "/config"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static String apiBody(Node node, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(node.apiUrl().orElseThrow() + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
