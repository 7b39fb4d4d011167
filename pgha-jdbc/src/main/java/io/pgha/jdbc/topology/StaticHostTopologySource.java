package io.pgha.jdbc.topology;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topology of servers with no agent: each {@code host:port} is asked {@code pg_is_in_recovery()}
 * and its WAL position over a kept-open connection. The leader is the one server not in recovery;
 * when two are, there is no leader (writes wait) rather than a guess.
 */
public final class StaticHostTopologySource extends PollingTopologySource {

  private static final Logger LOG = LoggerFactory.getLogger(StaticHostTopologySource.class);

  private static final String PROBE =
      "select pg_is_in_recovery(),"
          + " pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn()"
          + " else pg_current_wal_lsn() end, '0/0')::bigint,"
          + " (select status from pg_stat_wal_receiver limit 1)";

  private record Probe(boolean inRecovery, long position, String receiverStatus) {}

  private final List<String> hosts;
  private final String database;
  private final Properties properties;
  private final ExecutorService probes;
  private final Map<String, Connection> connections = new HashMap<>();

  /**
   * @param hostPorts {@code host:port} of each server
   * @param database the database to connect to
   * @param properties pgjdbc properties (user, password, ...)
   * @param interval how often to probe
   */
  public StaticHostTopologySource(
      List<String> hostPorts, String database, Properties properties, Duration interval) {
    super(interval, "pgha-static-topology");
    this.hosts = List.copyOf(hostPorts);
    this.database = database;
    this.properties = new Properties();
    this.properties.putAll(properties);
    this.properties.setProperty("connectTimeout", "2");
    this.properties.setProperty("socketTimeout", "5");
    this.properties.setProperty("ApplicationName", "pgha-topology-probe");
    this.probes =
        Executors.newFixedThreadPool(
            hosts.size(),
            r -> {
              Thread t = new Thread(r, "pgha-static-probe");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String describe() {
    return "static hosts " + hosts;
  }

  @Override
  Topology poll() throws Exception {
    List<CompletableFuture<Probe>> futures = new ArrayList<>();
    for (String host : hosts) {
      futures.add(CompletableFuture.supplyAsync(() -> probe(host), probes));
    }
    List<String> primaries = new ArrayList<>();
    long leaderPosition = -1;
    List<Probe> results = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      Probe p = futures.get(i).join();
      results.add(p);
      if (p != null && !p.inRecovery()) {
        primaries.add(hosts.get(i));
        leaderPosition = p.position();
      }
    }
    String leader = primaries.size() == 1 ? primaries.get(0) : null;
    if (primaries.size() > 1) {
      LOG.warn("servers {} are all out of recovery; no leader until only one is", primaries);
    }
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      members.add(member(hosts.get(i), results.get(i), leader == null ? -1 : leaderPosition));
    }
    return new Topology(leader, members);
  }

  @Override
  void checkFirst(Topology first) throws SQLException {
    // At run time all servers down is a fact to route by; at start it is a configuration error.
    if (first.members().stream().allMatch(m -> m.role() == MemberRole.UNKNOWN)) {
      throw new SQLException("no server answered the probe");
    }
  }

  private static Member member(String hostPort, Probe p, long leaderPosition) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    if (p == null) {
      return new Member(
          hostPort, MemberRole.UNKNOWN, "unreachable", host, port, Member.UNKNOWN_LAG, false, null);
    }
    if (!p.inRecovery()) {
      return new Member(hostPort, MemberRole.PRIMARY, "running", host, port, 0, true, null);
    }
    long lag = leaderPosition < 0 ? Member.UNKNOWN_LAG : Math.max(0, leaderPosition - p.position());
    return new Member(
        hostPort,
        MemberRole.REPLICA,
        "running",
        host,
        port,
        lag,
        "streaming".equals(p.receiverStatus()),
        null);
  }

  /** Returns null when the server cannot be reached; the connection is opened again next time. */
  private Probe probe(String hostPort) {
    Connection c;
    synchronized (connections) {
      c = connections.get(hostPort);
    }
    try {
      if (c == null) {
        c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + hostPort + "/" + database, properties);
        synchronized (connections) {
          connections.put(hostPort, c);
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(PROBE)) {
        rs.next();
        return new Probe(rs.getBoolean(1), rs.getLong(2), rs.getString(3));
      }
    } catch (SQLException e) {
      LOG.debug("probe of {} failed: {}", hostPort, e.getMessage());
      if (c != null) {
        closeQuietly(c);
        synchronized (connections) {
          connections.remove(hostPort);
        }
      }
      return null;
    }
  }

  @Override
  public void close() {
    super.close();
    probes.shutdownNow();
    synchronized (connections) {
      connections.values().forEach(StaticHostTopologySource::closeQuietly);
      connections.clear();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // already broken
    }
  }
}
