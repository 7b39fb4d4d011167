package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} scraped from a real leader and a real replica run by the sidecar: Patroni
 * 4's names and values, the replayed commit's timestamp, and {@code
 * patroni_postgres_in_archive_recovery} as Patroni sets it (a standby that does not stream and has
 * a {@code restore_command}).
 */
class SidecarMetricsTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @Test
  void theLeaderAndAReplicaServePatroni4sMetrics() throws Exception {
    try (SidecarCluster cluster = new SidecarCluster(2)) {
      cluster.member("pg1").startInProcess();
      cluster.member("pg2").startInProcess();
      Member leader = cluster.awaitHealthy(CONVERGE);
      Member replica = cluster.members.stream().filter(m -> m != leader).findFirst().orElseThrow();
      long beforeWrite = System.currentTimeMillis() / 1000 - 60;
      try (Connection c = leader.connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE metrics_probe (id int)");
        s.execute("INSERT INTO metrics_probe VALUES (1)");
      }

      Map<String, String> l = scrape(cluster, leader);
      assertThat(l)
          .containsEntry("patroni_primary", "1")
          .containsEntry("patroni_replica", "0")
          .containsEntry("patroni_postgres_running", "1")
          .containsEntry("patroni_postgres_state", "5")
          .containsEntry("patroni_postgres_timeline", "1")
          .containsEntry("patroni_postgres_streaming", "0")
          .containsEntry("patroni_postgres_in_archive_recovery", "0")
          .containsEntry("patroni_xlog_replayed_timestamp", "0")
          .containsEntry("patroni_cluster_unlocked", "0");
      assertThat(Long.parseLong(l.get("patroni_xlog_location"))).isPositive();

      // The replica has replayed the insert's commit: its timestamp is filled in.
      Map<String, String> r =
          SidecarCluster.await(
              CONVERGE,
              "the replica's replayed commit timestamp",
              () -> {
                Map<String, String> m = scrape(cluster, replica);
                return Double.parseDouble(m.getOrDefault("patroni_xlog_replayed_timestamp", "0"))
                        > beforeWrite
                    ? Optional.of(m)
                    : Optional.empty();
              });
      assertThat(r)
          .containsEntry("patroni_primary", "0")
          .containsEntry("patroni_replica", "1")
          .containsEntry("patroni_postgres_running", "1")
          .containsEntry("patroni_postgres_state", "5")
          .containsEntry("patroni_postgres_timeline", "1")
          .containsEntry("patroni_postgres_streaming", "1")
          .containsEntry("patroni_postgres_in_archive_recovery", "0")
          .containsEntry("patroni_xlog_location", "0");
      assertThat(Long.parseLong(r.get("patroni_xlog_replayed_location"))).isPositive();
      assertThat(Double.parseDouble(r.get("patroni_xlog_replayed_timestamp")))
          .isLessThan(System.currentTimeMillis() / 1000.0 + 60);

      // A replica that no longer streams and has a restore_command replays from the archive, as
      // Patroni reports it: the cluster paused (nothing is promoted), the primary killed.
      try (Connection c = replica.connect();
          Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM SET restore_command = 'false'");
        s.execute("SELECT pg_reload_conf()");
      }
      SidecarCluster.patchConfig(leader, "{\"pause\": true}");
      SidecarCluster.await(
          CONVERGE,
          "the replica paused",
          () ->
              "1".equals(scrape(cluster, replica).get("patroni_is_paused"))
                  ? Optional.of(1)
                  : Optional.empty());
      leader.killPostmaster();
      Map<String, String> archive =
          SidecarCluster.await(
              CONVERGE,
              "the replica in archive recovery",
              () -> {
                Map<String, String> m = scrape(cluster, replica);
                return "1".equals(m.get("patroni_postgres_in_archive_recovery"))
                    ? Optional.of(m)
                    : Optional.empty();
              });
      assertThat(archive)
          .containsEntry("patroni_postgres_streaming", "0")
          .containsEntry("patroni_replica", "1")
          .containsEntry("patroni_is_paused", "1");
    }
  }

  /** The sample values of {@code GET /metrics}, by metric name (each has one sample). */
  private static Map<String, String> scrape(SidecarCluster cluster, Member m) {
    HttpResponse<String> r;
    try {
      r =
          SidecarCluster.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, String> values = new HashMap<>();
    String labels = "{scope=\"" + cluster.scope + "\",name=\"" + m.name + "\"}";
    r.body()
        .lines()
        .filter(line -> !line.startsWith("#"))
        .forEach(
            line -> {
              assertThat(line).as("a sample labelled with scope and name").contains(labels + " ");
              values.put(line.substring(0, line.indexOf('{')), line.split(" ")[1]);
            });
    return values;
  }
}
