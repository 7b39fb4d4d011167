package io.pgha.core;

import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL on a member's PostgreSQL for the tests' checks. */
final class NodeQueries {
  private NodeQueries() {}

  /** The first column of every row; empty when the server does not answer. */
  static List<String> firstColumn(Node node, String sql) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(Optional.ofNullable(rs.getString(1)).orElse(""));
      }
      return values;
    } catch (SQLException e) {
      return List.of();
    }
  }
}
