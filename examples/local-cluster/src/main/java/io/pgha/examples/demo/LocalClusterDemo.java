package io.pgha.examples.demo;

import io.pgha.core.LocalPghaCluster;
import io.pgha.core.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The demo: a real 3-member cluster on this machine (one etcd, three PostgreSQL servers, three pgha
 * agents embedded in this JVM) with a client writing and reading every 20 ms. It kills the leader's
 * host (agent and PostgreSQL, kill -9), shows the failover, brings the old leader back as a replica
 * and prints what the client saw.
 *
 * <p>Argument: how many failovers to show (default 1).
 */
public final class LocalClusterDemo {
  private static final Duration TTL = Duration.ofSeconds(5);

  private LocalClusterDemo() {}

  public static void main(String[] args) throws Exception {
    int failovers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    say(
        "starting etcd and three PostgreSQL members with their pgha agents (ttl %ds)...",
        TTL.toSeconds());
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(3, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))) {
      cluster.startAll();
      Node primary = cluster.awaitHealthy(Duration.ofSeconds(180));
      say("cluster is up: %s is the primary, the others stream from it", primary);
      Workload.createTable(primary);
      try (Workload workload = new Workload(cluster, 1).start()) {
        show(cluster, workload, 5);
        for (int round = 1; round <= failovers; round++) {
          Node old = cluster.awaitHealthy(Duration.ofSeconds(180));
          long readsBefore = workload.reads();
          workload.resetGaps();
          say(">>> killing the leader's host: agent %s and its PostgreSQL, kill -9", old);
          long killed = System.nanoTime();
          old.killHost();
          Node next = awaitShowing(cluster, workload, old);
          double promotedAfter = (System.nanoTime() - killed) / 1e9;
          say(">>> %s was promoted %.1f s after the host failure", next, promotedAfter);
          show(cluster, workload, 3);
          long readsDuring = workload.reads() - readsBefore;
          say(">>> bringing %s back: it rewinds and follows %s", old, next);
          old.start();
          while (!old.isStreamingReplica()) {
            show(cluster, workload, 1);
          }
          show(cluster, workload, 2);
          say(
              "--- failover %d: writes unavailable %.2f s, reads unavailable %.2f s (%d reads served"
                  + " meanwhile), acknowledged writes lost: %d",
              round,
              workload.longestWriteGapSeconds(),
              workload.longestReadGapSeconds(),
              readsDuring,
              workload.missingOn(next));
        }
      }
      say("stopping the cluster cleanly");
    }
    say("done: nothing is left running");
  }

  private static Node awaitShowing(LocalPghaCluster cluster, Workload workload, Node old) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() - deadline < 0) {
      var next = cluster.writablePrimary().filter(n -> n != old);
      if (next.isPresent()) {
        return next.get();
      }
      show(cluster, workload, 1);
    }
    throw new IllegalStateException("no new primary within 120 s");
  }

  /** Prints one status line a second for {@code seconds} seconds. */
  private static void show(LocalPghaCluster cluster, Workload workload, int seconds) {
    for (int i = 0; i < seconds; i++) {
      Workload.sleep(1000);
      StringJoiner members = new StringJoiner("  ");
      Long primaryLsn = null;
      for (Node n : cluster.nodes()) {
        if (n.isWritablePrimary()) {
          primaryLsn = lsn(n, "pg_current_wal_lsn()");
        }
      }
      for (Node n : cluster.nodes()) {
        if (n.isWritablePrimary()) {
          members.add(n + " PRIMARY");
        } else if (n.isStreamingReplica()) {
          Long at = lsn(n, "pg_last_wal_receive_lsn()");
          String lag = primaryLsn == null || at == null ? "?" : Math.max(0, primaryLsn - at) + " B";
          members.add(n + " replica (lag " + lag + ")");
        } else if (n.isReplica()) {
          members.add(n + " replica (not streaming)");
        } else {
          members.add(n + " down");
        }
      }
      say(
          "%s | writes %d (errors %d) reads %d (errors %d)",
          members,
          workload.writes(),
          workload.writeErrors(),
          workload.reads(),
          workload.readErrors());
    }
  }

  private static Long lsn(Node n, String function) {
    try (Connection c = n.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + function + " - '0/0'::pg_lsn")) {
      return rs.next() ? rs.getLong(1) : null;
    } catch (SQLException e) {
      return null;
    }
  }

  private static void say(String format, Object... args) {
    System.out.printf(
        Locale.ROOT, "%tT  " + format + "%n", prepend(System.currentTimeMillis(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
