package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.LocalPatroni;
import io.pgha.testkit.LocalPatroniCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measurement, not a test (opt-in with {@code -Dpgha.measure=true}): over repeated switchovers of a
 * real Patroni cluster, the time from the leader key changing in etcd (seen by an independent watch
 * in this JVM) to the DataSource routing writes to the new leader. Prints p50 / p99.
 *
 * <pre>
 * ./mvnw -B -pl pgha-jdbc -am verify -Dpgha.measure=true \
 *     -Dtest=SwitchoverRoutingLatencyMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "pgha.measure", matches = "true")
class SwitchoverRoutingLatencyMeasurement {

  private static final Logger LOG =
      LoggerFactory.getLogger(SwitchoverRoutingLatencyMeasurement.class);
  private static final int SWITCHOVERS = Integer.getInteger("pgha.measure.switchovers", 10);

  @Test
  void leaderKeyToRoutedWrites() throws Exception {
    Map<String, Long> keySeen = new ConcurrentHashMap<>();
    Map<String, Long> routed = new ConcurrentHashMap<>();
    try (LocalEtcd etcd = LocalEtcd.start(1);
        LocalPatroniCluster cluster = LocalPatroniCluster.start("lat", 3, etcd.clientEndpoints());
        Client client =
            Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
        TopologyAwareDataSource ds =
            new TopologyAwareDataSource(
                PghaDataSourceConfig.builder()
                    .etcd(etcd.clientEndpoints())
                    .scope("lat")
                    .username("postgres")
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
      LeaderKeyWatch.record(client, "/service/lat/leader", keySeen);
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < SWITCHOVERS; i++) {
        LocalPatroni to = cluster.replicas().get(i % 2);
        keySeen.clear();
        routed.clear();
        assertThat(cluster.switchover(to.name()).status()).isEqualTo(200);
        String id = to.name();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> keySeen.containsKey(id) && routed.containsKey(id));
        try (Connection c = ds.getConnection();
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select inet_server_port()")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(to.port());
        }
        micros.add(TimeUnit.NANOSECONDS.toMicros(routed.get(id) - keySeen.get(id)));
        cluster.awaitHealthy(Duration.ofSeconds(60));
      }
      List<Long> sorted = micros.stream().sorted().toList();
      LOG.info(
          "leader key change -> writes routed, {} switchovers: p50 {} us, p99 {} us, max {} us, all {}",
          sorted.size(),
          sorted.get(sorted.size() / 2),
          sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
          sorted.get(sorted.size() - 1),
          micros);
    }
  }
}
