package io.pgha.examples.demo;

import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.Topology;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads each member's state for the live view: its PostgreSQL (role, WAL position, which server it
 * streams from) over one connection per member kept open between probes, and its etcd keys (leader
 * key, agent state) through the client's topology.
 */
final class ClusterProbe implements AutoCloseable {
  private static final String QUERY =
      "SELECT pg_is_in_recovery(),"
          + " (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
          + " ELSE pg_current_wal_lsn() END) - '0/0'::pg_lsn,"
          + " (SELECT sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming')";

  private record Reading(boolean inRecovery, long lsn, int senderPort) {}

  private final LocalPghaCluster cluster;
  private final Map<String, Connection> connections = new HashMap<>();

  ClusterProbe(LocalPghaCluster cluster) {
    this.cluster = cluster;
  }

  /** Probes every member now. */
  List<MemberView> probe(
      Topology topology, Map<Integer, Long> writesByPort, Map<Integer, Long> readsByPort) {
    Map<String, Reading> readings = new HashMap<>();
    Map<Integer, String> byPort = new HashMap<>();
    long primaryLsn = -1;
    for (Node n : cluster.nodes()) {
      byPort.put(n.pgPort, n.name);
      Reading r = read(n);
      if (r != null) {
        readings.put(n.name, r);
        if (!r.inRecovery()) {
          primaryLsn = Math.max(primaryLsn, r.lsn());
        }
      }
    }
    List<MemberView> views = new ArrayList<>();
    for (Node n : cluster.nodes()) {
      Reading r = readings.get(n.name);
      String role = r == null ? "down" : r.inRecovery() ? "replica" : "primary";
      String follows = r == null || r.senderPort() == 0 ? null : byPort.get(r.senderPort());
      long lag =
          r != null && r.inRecovery() && primaryLsn >= 0 && r.lsn() >= 0
              ? Math.max(0, primaryLsn - r.lsn())
              : -1;
      String state = topology.member(n.name).map(Member::state).orElse("-");
      views.add(
          new MemberView(
              n.name,
              n.pgPort,
              role,
              n.name.equals(topology.leaderName()),
              n.isRunning(),
              state,
              follows,
              lag,
              writesByPort.getOrDefault(n.pgPort, 0L),
              readsByPort.getOrDefault(n.pgPort, 0L)));
    }
    return views;
  }

  private Reading read(Node n) {
    try {
      Connection c = connections.get(n.name);
      if (c == null) {
        c = n.connect();
        connections.put(n.name, c);
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(QUERY)) {
        rs.next();
        long lsn = rs.getLong(2);
        return new Reading(rs.getBoolean(1), rs.wasNull() ? -1 : lsn, rs.getInt(3));
      }
    } catch (SQLException e) {
      closeQuietly(connections.remove(n.name));
      return null;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // the server went away; nothing to release
      }
    }
  }

  @Override
  public void close() {
    connections.values().forEach(ClusterProbe::closeQuietly);
    connections.clear();
  }
}
