package io.pgha.core;

import io.pgha.core.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failover benchmark of the HA agent (a measurement, not a test): on a local 3-node cluster, a
 * probe writes one row every 20 ms to whoever is primary over a direct connection, the primary host
 * (agent and PostgreSQL) is killed, and the probe reports how long writes were unavailable and how
 * many acknowledged writes are missing afterwards.
 *
 * <p>Run: {@code ./mvnw -q -pl pgha-core -am test-compile && ./mvnw -q -pl pgha-core exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.pgha.core.FailoverProbe -Dexec.args="5 10 2 4"}
 * (runs, ttl, loop_wait, retry_timeout in seconds).
 */
public final class FailoverProbe {
  private static final long WRITE_INTERVAL_MILLIS = 20;

  private FailoverProbe() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Duration ttl = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
    Duration loopWait = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 2);
    Duration retry = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 4);
    List<double[]> results = new ArrayList<>();
    try (LocalPghaCluster cluster = new LocalPghaCluster(3, ttl, loopWait, retry)) {
      cluster.startAll();
      Node primary = awaitHealthy(cluster);
      execute(primary, "CREATE TABLE probe (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
      for (int run = 1; run <= runs; run++) {
        double[] r = oneRun(cluster, run * 1_000_000L);
        results.add(r);
        System.out.printf(
            Locale.ROOT,
            "run %d: write unavailability %.2f s, acknowledged writes lost %d%n",
            run,
            r[0],
            (long) r[1]);
      }
    }
    double[] gaps = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
    long lost = results.stream().mapToLong(r -> (long) r[1]).sum();
    System.out.printf(
        Locale.ROOT,
        "%nprimary host failure, ttl %ds loop_wait %ds retry_timeout %ds, %d runs:%n"
            + "  write unavailability median %.2f s [min %.2f, max %.2f]; acknowledged writes lost: %d%n",
        ttl.toSeconds(),
        loopWait.toSeconds(),
        retry.toSeconds(),
        runs,
        gaps[gaps.length / 2],
        gaps[0],
        gaps[gaps.length - 1],
        lost);
  }

  /** One host failure; returns {write gap seconds, acknowledged writes missing}. */
  private static double[] oneRun(LocalPghaCluster cluster, long firstId) throws Exception {
    Node old = awaitHealthy(cluster);
    ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
    AtomicLong lastAck = new AtomicLong(System.nanoTime());
    AtomicLong longestGap = new AtomicLong();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer =
        new Thread(
            () -> {
              long id = firstId;
              Node target = old;
              Connection c = null;
              while (writing.get()) {
                try {
                  if (c == null) {
                    c = target.connect();
                  }
                  try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO probe (id) VALUES (" + id + ")");
                  }
                  acked.add(id);
                  long now = System.nanoTime();
                  longestGap.accumulateAndGet(now - lastAck.getAndSet(now), Math::max);
                } catch (SQLException e) {
                  closeQuietly(c);
                  c = null;
                  target = cluster.writablePrimary().orElse(target);
                }
                id++;
                sleep(WRITE_INTERVAL_MILLIS);
              }
              closeQuietly(c);
            },
            "probe-writer");
    writer.start();
    sleep(2000);
    old.killHost();
    long killed = System.nanoTime();
    Node next;
    while ((next = cluster.writablePrimary().filter(n -> n != old).orElse(null)) == null) {
      if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(120)) {
        throw new IllegalStateException("no new primary within 120 s");
      }
      sleep(50);
    }
    sleep(2000);
    writing.set(false);
    writer.join();

    List<Long> present = ids(next, firstId);
    long missing = acked.stream().filter(id -> !present.contains(id)).count();
    old.start();
    awaitHealthy(cluster);
    return new double[] {longestGap.get() / 1e9, missing};
  }

  private static Node awaitHealthy(LocalPghaCluster cluster) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      Optional<Node> primary = cluster.writablePrimary();
      if (primary.isPresent()
          && cluster.nodes().stream()
              .filter(n -> n != primary.get())
              .allMatch(Node::isStreamingReplica)) {
        return primary.get();
      }
      sleep(200);
    }
    throw new IllegalStateException("the cluster did not become healthy within 180 s");
  }

  private static List<Long> ids(Node node, long from) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id FROM probe WHERE id >= " + from + " AND id < " + (from + 1_000_000))) {
      List<Long> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
      return ids;
    }
  }

  private static void execute(Node node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // the server is gone; nothing to release
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
