package io.pgha.jdbc;

import io.etcd.jetcd.Client;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measurement, not a test (opt-in with {@code -Dpgha.measure=true}): on a pgha cluster (3 agents in
 * JVMs of their own, ttl 10 s), a writer commits through pgha-jdbc with default settings every 5 ms
 * while the leader's host is killed (kill -9 of agent and PostgreSQL) or frozen (SIGSTOP), in turn.
 * For each failover: the time from an independent etcd watch in this JVM seeing the new leader key
 * to (a) the DataSource routing writes there and (b) the first write acknowledged by the new
 * leader, which includes its promotion. Prints p50 / p99 / max per fault.
 *
 * <pre>
 * ./mvnw -B -pl pgha-jdbc -am verify -Dpgha.measure=true \
 *     -Dtest=ClientFailoverLagMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "pgha.measure", matches = "true")
class ClientFailoverLagMeasurement {

  private static final Logger LOG = LoggerFactory.getLogger(ClientFailoverLagMeasurement.class);
  private static final int RUNS = Integer.getInteger("pgha.measure.failovers", 6);
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** When each server (by port) first acknowledged a write since the last fault. */
  private final Map<Integer, Long> firstAck = new ConcurrentHashMap<>();

  private volatile boolean stop;

  @Test
  void newLeaderKeyToFirstWriteOnTheNewLeader() throws Exception {
    Map<String, Long> keySeen = new ConcurrentHashMap<>();
    Map<String, Long> routed = new ConcurrentHashMap<>();
    Map<String, List<long[]>> samples = new ConcurrentHashMap<>();
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
                3, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(3))
            .agentsInOwnJvm(true)) {
      cluster.startAll();
      LocalPghaCluster.Node first = cluster.awaitHealthy(WAIT);
      first.execute("create table lag_probe (k bigint primary key)");
      String scope = cluster.scope();
      try (Client client =
              Client.builder().endpoints(cluster.etcdEndpoints().toArray(String[]::new)).build();
          TopologyAwareDataSource ds =
              new TopologyAwareDataSource(
                  PghaClusterUnderTest.dataSourceConfig(cluster)
                      .leaderWaitTimeout(PghaDataSourceConfig.DEFAULT_LEADER_WAIT_TIMEOUT)
                      .metrics(
                          new PghaMetrics() {
                            @Override
                            public void leaderChanged(String previous, String current) {
                              if (current != null) {
                                routed.putIfAbsent(current, System.nanoTime());
                              }
                            }
                          })
                      .build())) {
        LeaderKeyWatch.record(client, "/service/" + scope + "/leader", keySeen);
        Thread writer = new Thread(() -> write(ds), "lag-writer");
        writer.setDaemon(true);
        writer.start();
        try {
          for (int run = 0; run < 2 * RUNS; run++) {
            String fault = run % 2 == 0 ? "kill -9" : "freeze";
            LocalPghaCluster.Node old = cluster.awaitHealthy(WAIT);
            HungHostScenarios.sleep(1000);
            keySeen.clear();
            routed.clear();
            firstAck.clear();
            if (fault.equals("kill -9")) {
              old.killHost();
            } else {
              old.freezeHost();
            }
            LocalPghaCluster.Node next;
            try {
              next = cluster.awaitNewPrimary(old, WAIT);
              long deadline = System.nanoTime() + WAIT.toNanos();
              while (!(keySeen.containsKey(next.name)
                  && routed.containsKey(next.name)
                  && firstAck.containsKey(next.pgPort))) {
                if (System.nanoTime() - deadline > 0) {
                  throw new AssertionError("no write on " + next.name + " within " + WAIT);
                }
                HungHostScenarios.sleep(5);
              }
            } finally {
              old.thaw();
            }
            long key = keySeen.get(next.name);
            long[] sample = {routed.get(next.name) - key, firstAck.get(next.pgPort) - key};
            samples.computeIfAbsent(fault, f -> new ArrayList<>()).add(sample);
            LOG.info(
                "{} of {}: new leader key {} -> routed {} ms, first write acknowledged {} ms",
                fault,
                old.name,
                next.name,
                String.format(Locale.ROOT, "%.1f", sample[0] / 1e6),
                String.format(Locale.ROOT, "%.1f", sample[1] / 1e6));
            if (fault.equals("kill -9")) {
              old.start();
            }
          }
        } finally {
          stop = true;
          writer.join(TimeUnit.SECONDS.toMillis(60));
        }
      }
    }
    samples.forEach(
        (fault, list) ->
            LOG.info(
                "{} ({} failovers): new leader key -> routed {}; -> first write on the new leader {}",
                fault,
                list.size(),
                summary(list.stream().map(s -> s[0]).toList()),
                summary(list.stream().map(s -> s[1]).toList())));
  }

  private void write(TopologyAwareDataSource ds) {
    for (long k = 0; !stop; k++) {
      try (Connection c = ds.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "insert into lag_probe (k) values (?) returning inet_server_port()")) {
        ps.setLong(1, k);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          firstAck.putIfAbsent(rs.getInt(1), System.nanoTime());
        }
      } catch (SQLException e) {
        // a failover: the next attempt is routed afresh
      }
      HungHostScenarios.sleep(5);
    }
  }

  private static String summary(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    int n = sorted.size();
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms (all: %s)",
        sorted.get(n / 2) / 1e6,
        sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)) / 1e6,
        sorted.get(n - 1) / 1e6,
        sorted.stream().map(v -> String.format(Locale.ROOT, "%.0f", v / 1e6)).toList());
  }
}
