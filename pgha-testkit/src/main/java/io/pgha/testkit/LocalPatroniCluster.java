package io.pgha.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real Patroni cluster of N {@link LocalPatroni} nodes on one etcd, for tests. {@link #start}
 * returns once one node leads and every other one streams from it.
 *
 * <pre>{@code
 * try (LocalEtcd etcd = LocalEtcd.start(1);
 *     LocalPatroniCluster cluster = LocalPatroniCluster.start("pg-test", 3, etcd.clientEndpoints())) {
 *   LocalPatroni leader = cluster.leader();
 * }
 * }</pre>
 */
public final class LocalPatroniCluster implements AutoCloseable {

  /** How long a fresh cluster may take to bootstrap (initdb, then two base backups). */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String scope;
  private final List<String> etcdEndpoints;
  private final List<LocalPatroni> nodes;

  private LocalPatroniCluster(String scope, List<String> etcdEndpoints, List<LocalPatroni> nodes) {
    this.scope = scope;
    this.etcdEndpoints = List.copyOf(etcdEndpoints);
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@code size} nodes named {@code <scope>-1 ..} and waits until the cluster is healthy.
   *
   * @throws IllegalStateException when it is not healthy within {@link #START_TIMEOUT}; the message
   *     points at the nodes' logs
   */
  public static LocalPatroniCluster start(String scope, int size, List<String> etcdEndpoints) {
    return start(scope, size, etcdEndpoints, b -> {});
  }

  /**
   * Like {@link #start(String, int, List)}, with each node's builder customised first (timings,
   * synchronous mode, tags, parameters).
   */
  public static LocalPatroniCluster start(
      String scope,
      int size,
      List<String> etcdEndpoints,
      java.util.function.Consumer<LocalPatroni.Builder> customizer) {
    if (size < 1 || size > 5) {
      throw new IllegalArgumentException("size (" + size + ") must be between 1 and 5");
    }
    List<LocalPatroni> nodes = new ArrayList<>();
    try {
      // The first node bootstraps alone: the others would only wait for it and retry base backups.
      nodes.add(node(scope, 1, etcdEndpoints, customizer));
      LocalPatroniCluster cluster = new LocalPatroniCluster(scope, etcdEndpoints, nodes);
      cluster.awaitLeader(START_TIMEOUT);
      for (int i = 2; i <= size; i++) {
        nodes.add(node(scope, i, etcdEndpoints, customizer));
      }
      cluster = new LocalPatroniCluster(scope, etcdEndpoints, nodes);
      cluster.awaitHealthy(START_TIMEOUT);
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(LocalPatroni::close);
      throw e;
    }
  }

  private static LocalPatroni node(
      String scope,
      int index,
      List<String> etcdEndpoints,
      java.util.function.Consumer<LocalPatroni.Builder> customizer) {
    LocalPatroni.Builder b = LocalPatroni.builder(scope, scope + "-" + index, etcdEndpoints);
    customizer.accept(b);
    return b.start();
  }

  public String scope() {
    return scope;
  }

  public List<String> etcdEndpoints() {
    return etcdEndpoints;
  }

  public List<LocalPatroni> nodes() {
    return nodes;
  }

  /** The node by name. */
  public LocalPatroni node(String name) {
    return nodes.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node named " + name));
  }

  /** The node whose API answers 200 on {@code /primary}, if any. */
  public Optional<LocalPatroni> currentLeader() {
    nodes.forEach(LocalPatroni::trackPostmaster);
    return nodes.stream()
        .filter(LocalPatroni::isRunning)
        .filter(n -> n.apiStatus("/primary") == 200)
        .findFirst();
  }

  /** The current leader; fails when there is none. */
  public LocalPatroni leader() {
    return currentLeader().orElseThrow(() -> new IllegalStateException("no leader in " + scope));
  }

  /** The running nodes that are not the leader. */
  public List<LocalPatroni> replicas() {
    Optional<LocalPatroni> leader = currentLeader();
    return nodes.stream()
        .filter(LocalPatroni::isRunning)
        .filter(n -> leader.isEmpty() || n != leader.get())
        .toList();
  }

  /** Waits until a node leads; returns it. */
  public LocalPatroni awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<LocalPatroni> leader = currentLeader();
      if (leader.isPresent()) {
        return leader.get();
      }
      Poll.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException(
        "no leader in " + scope + " within " + timeout.toSeconds() + "s; logs: " + logs());
  }

  /**
   * Waits until one running node leads and every other running node streams from it (by the
   * leader's {@code pg_stat_replication}); in synchronous mode, also until every replica is a
   * synchronous standby. Without that last wait a test that kills the leader right after a replica
   * rejoined may find nobody in the {@code sync} key, and Patroni then rightly refuses to promote
   * anyone (the cluster stays leaderless).
   */
  public LocalPatroni awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not checked";
    while (System.nanoTime() < deadline) {
      Optional<LocalPatroni> leader = currentLeader();
      if (leader.isPresent()) {
        long expected = nodes.stream().filter(LocalPatroni::isRunning).count() - 1;
        try (Connection c = leader.get().connect();
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "select count(*) from pg_stat_replication where state = 'streaming'")) {
          rs.next();
          long streaming = rs.getLong(1);
          if (streaming >= expected && replicasAnswer() && replicasSynchronous(leader.get())) {
            return leader.get();
          }
          last =
              "leader "
                  + leader.get().name()
                  + ", "
                  + streaming
                  + "/"
                  + expected
                  + " streaming (replicas must answer /replica, and /sync in synchronous mode)";
        } catch (SQLException e) {
          last = "leader " + leader.get().name() + " not reachable: " + e.getMessage();
        }
      } else {
        last = "no leader";
      }
      Poll.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException(
        scope + " not healthy within " + timeout.toSeconds() + "s (" + last + "); logs: " + logs());
  }

  private boolean replicasSynchronous(LocalPatroni leader) {
    boolean synchronousMode =
        leader
            .apiGet("/config")
            .map(body -> body.replace(" ", "").contains("\"synchronous_mode\":true"))
            .orElse(false);
    return !synchronousMode || replicas().stream().allMatch(n -> n.apiStatus("/sync") == 200);
  }

  private boolean replicasAnswer() {
    for (LocalPatroni n : replicas()) {
      if (n.apiStatus("/replica") != 200) {
        return false;
      }
    }
    return true;
  }

  /**
   * Asks the current leader for a switchover to {@code candidate} ({@code POST /switchover}) and
   * returns Patroni's answer; Patroni 3.x answers once the candidate leads.
   */
  public LocalPatroni.HttpResult switchover(String candidate) {
    LocalPatroni leader = leader();
    return leader.http(
        "POST",
        "/switchover",
        "{\"leader\": \"" + leader.name() + "\", \"candidate\": \"" + candidate + "\"}");
  }

  private String logs() {
    return nodes.stream().map(n -> n.logFile().toString()).toList().toString();
  }

  /** Stops every node (replicas first, so the leader does not fail over to a stopping one). */
  @Override
  public void close() {
    // A frozen node would hang the leader lookup below and its peers' clean stops.
    for (LocalPatroni n : nodes) {
      try {
        n.thaw();
      } catch (RuntimeException e) {
        // its close below still kills it
      }
    }
    List<LocalPatroni> order = new ArrayList<>(nodes);
    Optional<LocalPatroni> leader = Optional.empty();
    try {
      leader = currentLeader();
    } catch (RuntimeException e) {
      // stop in any order
    }
    leader.ifPresent(
        l -> {
          order.remove(l);
          order.add(l);
        });
    RuntimeException first = null;
    for (LocalPatroni n : order) {
      try {
        n.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
