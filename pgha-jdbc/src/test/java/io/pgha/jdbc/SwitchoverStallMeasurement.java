package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgha.testkit.LocalHaproxy;
import io.pgha.testkit.Testkit;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measurement, not a test (opt-in with {@code -Dpgha.measure=true}): the write stall and the failed
 * transactions a planned switchover of a pgha cluster costs two clients writing side by side — one
 * through pgha-jdbc (which sees the drain), one through a plain HikariCP pool behind HAProxy with
 * Pigsty's primary service (health check {@code /primary}, inter 3 s / fastinter 1 s, fall 3, rise
 * 3, on-marked-down shutdown-sessions). Each client commits one short transaction every ~20 ms,
 * without retries.
 *
 * <pre>
 * ./mvnw -B -pl pgha-jdbc -am verify -Dpgha.measure=true \
 *     -Dtest=SwitchoverStallMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "pgha.measure", matches = "true")
class SwitchoverStallMeasurement {

  private static final int SWITCHOVERS = Integer.getInteger("pgha.measure.switchovers", 10);
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** How long after a switchover request its effects are counted. */
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(15);

  @Test
  void pghaJdbcVersusHikariThroughHaproxy() throws Exception {
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
            3, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(4))) {
      cluster.startAll();
      try (Connection c = cluster.awaitHealthy(Duration.ofSeconds(90)).connect();
          Statement s = c.createStatement()) {
        s.execute("create table stall (client text, n bigint)");
      }
      int primaryPort = Testkit.freePort();
      try (LocalHaproxy haproxy =
              LocalHaproxy.start(haproxyConfig(cluster, primaryPort), primaryPort);
          TopologyAwareDataSource pgha =
              new TopologyAwareDataSource(PghaClusterUnderTest.dataSourceConfig(cluster).build());
          HikariDataSource hikari = hikariThrough(primaryPort)) {
        Writer viaPgha = new Writer("pgha-jdbc", pgha);
        Writer viaHaproxy = new Writer("hikari+haproxy", hikari);
        List<Long> requests = new ArrayList<>();
        try {
          await().atMost(WAIT).until(() -> viaPgha.commits() > 50 && viaHaproxy.commits() > 50);
          for (int i = 0; i < SWITCHOVERS; i++) {
            LocalPghaCluster.Node leader = cluster.awaitHealthy(WAIT);
            LocalPghaCluster.Node candidate = cluster.othersThan(leader).get(i % 2);
            String body =
                "{\"leader\": \"" + leader.name + "\", \"candidate\": \"" + candidate.name + "\"}";
            long requested = System.nanoTime();
            await()
                .atMost(WAIT)
                .until(() -> leader.api("POST", "/switchover", body).status() != 412);
            requests.add(requested);
            assertThat(cluster.awaitNewPrimary(leader, WAIT)).isSameAs(candidate);
            // Let both clients settle (HAProxy needs rise 3 x fastinter) before the next one.
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(WINDOW_NANOS));
          }
        } finally {
          viaPgha.stop();
          viaHaproxy.stop();
        }
        System.out.printf(
            "%nplanned switchover, %d runs, ttl 10 s / loop_wait 2 s, one writer per client every"
                + " ~20 ms%n| client | write stall p50 | max | failed transactions (total) |"
                + " per switchover max |%n|---|---|---|---|---|%n",
            requests.size());
        for (Writer w : List.of(viaPgha, viaHaproxy)) {
          List<Long> stalls = new ArrayList<>();
          List<Integer> failures = new ArrayList<>();
          for (long at : requests) {
            stalls.add(w.longestGapMillis(at, at + WINDOW_NANOS));
            failures.add(w.failuresBetween(at, at + WINDOW_NANOS));
          }
          List<Long> sorted = stalls.stream().sorted().toList();
          System.out.printf(
              "| %s | %d ms | %d ms | %d | %d |%n",
              w.name,
              sorted.get(sorted.size() / 2),
              sorted.get(sorted.size() - 1),
              failures.stream().mapToInt(Integer::intValue).sum(),
              failures.stream().mapToInt(Integer::intValue).max().orElse(0));
        }
      }
    }
  }

  /** Pigsty's primary service, pointed at the members' PostgreSQL and API ports. */
  private static String haproxyConfig(LocalPghaCluster cluster, int port) {
    StringBuilder b =
        new StringBuilder(
            "global\n  maxconn 1000\ndefaults\n  mode tcp\n  timeout connect 3s\n"
                + "  timeout client 24h\n  timeout server 24h\n"
                + "listen primary\n  bind 127.0.0.1:"
                + port
                + "\n  option httpchk\n  http-check send meth OPTIONS uri /primary\n"
                + "  http-check expect status 200\n"
                + "  default-server inter 3s fastinter 1s downinter 5s rise 3 fall 3"
                + " on-marked-down shutdown-sessions slowstart 30s maxconn 3000 maxqueue 128"
                + " weight 100\n");
    for (LocalPghaCluster.Node n : cluster.nodes()) {
      URI api = URI.create(n.apiUrl().orElseThrow());
      b.append("  server ")
          .append(n.name)
          .append(" 127.0.0.1:")
          .append(n.pgPort)
          .append(" check port ")
          .append(api.getPort())
          .append('\n');
    }
    return b.toString();
  }

  private static HikariDataSource hikariThrough(int port) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
    c.setUsername("postgres");
    c.setPassword(LocalPghaCluster.superuserPassword());
    c.setMaximumPoolSize(4);
    c.setConnectionTimeout(1000);
    c.setPoolName("haproxy");
    // HAProxy takes every server for up until its first checks: a first connection may land on a
    // replica that is then marked down. Start the pool anyway; the writers warm up before counting.
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }

  /** One thread committing a short transaction every ~20 ms; remembers outcomes with times. */
  private static final class Writer {
    private final String name;
    private final DataSource ds;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Long> commits = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> failures = new ConcurrentLinkedQueue<>();
    private final Thread thread;

    Writer(String name, DataSource ds) {
      this.name = name;
      this.ds = ds;
      this.thread = new Thread(this::run, "writer-" + name);
      thread.start();
    }

    private void run() {
      for (long n = 0; !stop.get(); n++) {
        try (Connection c = ds.getConnection()) {
          c.setAutoCommit(false);
          try (PreparedStatement ps = c.prepareStatement("insert into stall values (?, ?)")) {
            ps.setString(1, name);
            ps.setLong(2, n);
            ps.executeUpdate();
          }
          c.commit();
          commits.add(System.nanoTime());
        } catch (SQLException | RuntimeException e) {
          failures.add(System.nanoTime());
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    int commits() {
      return commits.size();
    }

    long longestGapMillis(long from, long to) {
      long previous = from;
      long gap = 0;
      for (long t : commits.stream().sorted().toList()) {
        if (t < from) {
          continue;
        }
        if (t > to) {
          break;
        }
        gap = Math.max(gap, t - previous);
        previous = t;
      }
      return TimeUnit.NANOSECONDS.toMillis(gap);
    }

    int failuresBetween(long from, long to) {
      return (int) failures.stream().filter(t -> t >= from && t <= to).count();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}
