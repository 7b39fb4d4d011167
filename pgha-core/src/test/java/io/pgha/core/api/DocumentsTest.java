package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.ServerState;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.RoleNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The read documents against the captured Patroni 3.0.2 responses. */
class DocumentsTest {

  @Test
  void clusterMembersAreWhatPatroniShows() throws Exception {
    JsonNode ours = ClusterDocument.cluster("pg-test", Snapshots.syncView());
    JsonNode theirs = Json.tree(sample("sync/rest-leader-GET-cluster.json"));
    // Compared as text: the same JSON, whatever number node types each parser chose.
    assertThat(Json.tree(ours.get("members").toString()))
        .isEqualTo(Json.tree(theirs.get("members").toString()));
    assertThat(ours.get("scope").asString()).isEqualTo("pg-test");
    assertThat(ours.has("pause")).isFalse();
    assertThat(ours.has("scheduled_switchover")).isFalse();
  }

  @Test
  void clusterShowsAScheduledSwitchoverAndUnknownLag() {
    OffsetDateTime at = OffsetDateTime.parse("2030-01-01T10:00:00+00:00");
    ClusterView view =
        Snapshots.asyncView().toBuilder()
            .failover(FailoverRequest.switchover("pg-test-2", "pg-test-1").at(at))
            .member(
                Snapshots.member("pg-test-4", 28011, 25435, io.pgha.patroni.Role.REPLICA)
                    .toBuilder()
                    .xlogLocation(java.util.OptionalLong.empty())
                    .build())
            .build();
    JsonNode doc = ClusterDocument.cluster("pg-test", view);
    assertThat(doc.get("scheduled_switchover").toString())
        .isEqualTo(
            "{\"at\":\"2030-01-01T10:00:00+00:00\",\"from\":\"pg-test-2\",\"to\":\"pg-test-1\"}");
    assertThat(doc.get("members").get(3).get("lag").asString()).isEqualTo("unknown");
  }

  @Test
  void historyIsPatronisList() throws Exception {
    ClusterView view =
        Snapshots.asyncView().toBuilder()
            .history(
                List.of(
                    new HistoryEntry(
                        1,
                        67280960,
                        "no recovery target specified",
                        Optional.of("2026-11-26T09:50:49.246305+00:00"),
                        Optional.of("pg-test-2"))))
            .build();
    assertThat(Json.tree(ClusterDocument.history(view).toString()))
        .isEqualTo(Json.tree(sample("async/rest-leader-GET-history.json")));
    assertThat(
            ClusterDocument.pythonIsoFormat(
                OffsetDateTime.parse("2026-11-26T09:50:49.246305+01:00")))
        .isEqualTo("2026-11-26T09:50:49.246305+01:00");
  }

  @Test
  void metricsCoverEveryPatroniMetric() throws Exception {
    Set<String> theirs = names(sample("async/rest-leader-GET-metrics.txt"));
    Set<String> ours = names(MetricsDocument.of(Snapshots.leader()));
    assertThat(theirs).hasSizeGreaterThan(15);
    assertThat(ours).containsAll(theirs);
  }

  @Test
  void metricsHavePatroni4sPostgresStateTheReplayTimestampAndArchiveRecovery() {
    String labels = "{scope=\"pg-test\",name=\"pg-test-1\"}";
    PostgresStatus fromArchive =
        new PostgresStatus(
            ServerState.STANDBY,
            2,
            null,
            null,
            new Lsn(Snapshots.LSN),
            null,
            false,
            List.of(),
            OffsetDateTime.parse("2026-11-26T09:50:51.303258Z"),
            150018,
            "7712415343663771374",
            false,
            OffsetDateTime.parse("2026-11-26T10:00:00.25Z"),
            true);
    NodeSnapshot archive = Snapshots.replica().toBuilder().postgres(fromArchive).build();
    NodeSnapshot streaming =
        Snapshots.replica().toBuilder()
            .postgres(
                new PostgresStatus(
                    ServerState.STANDBY,
                    2,
                    null,
                    new Lsn(Snapshots.LSN),
                    new Lsn(Snapshots.LSN),
                    "streaming",
                    false,
                    List.of(),
                    null,
                    150018,
                    "7712415343663771374",
                    false,
                    null,
                    true))
            .build();

    assertThat(MetricsDocument.of(archive))
        .contains("patroni_postgres_in_archive_recovery" + labels + " 1\n")
        .contains("patroni_postgres_streaming" + labels + " 0\n")
        .contains("patroni_xlog_replayed_timestamp" + labels + " 1795687200.250000\n")
        .contains("patroni_postgres_state" + labels + " 5\n")
        .contains("# Values: 0=initdb, 1=initdb_failed, 2=custom_bootstrap,")
        .contains(", 5=running, 6=starting,")
        .contains(", 12=stopped, 13=stop_failed, 14=crashed\n");
    assertThat(StatusDocument.of(archive, true).get("replication_state").asString())
        .isEqualTo("in archive recovery");
    assertThat(StatusDocument.of(archive, true).get("xlog").get("replayed_timestamp").asString())
        .isEqualTo("2026-11-26 10:00:00.250000+00:00");
    assertThat(MetricsDocument.of(streaming))
        .contains("patroni_postgres_in_archive_recovery" + labels + " 0\n")
        .contains("patroni_postgres_streaming" + labels + " 1\n")
        .contains("patroni_xlog_replayed_timestamp" + labels + " 0\n");
    assertThat(MetricsDocument.of(Snapshots.leader()))
        .contains("patroni_postgres_in_archive_recovery{scope=\"pg-test\",name=\"pg-test-2\"} 0\n");
    assertThat(MetricsDocument.stateIndex("creating replica")).isEqualTo(4);
    assertThat(MetricsDocument.stateIndex("stopped")).isEqualTo(12);
    assertThat(MetricsDocument.stateIndex("unknown")).isEqualTo(-1);
  }

  @Test
  void versionIsZeroPaddedAsPatroniDoes() {
    assertThat(MetricsDocument.paddedVersion("3.0.2")).isEqualTo("030002");
    assertThat(MetricsDocument.paddedVersion("0.1.0-SNAPSHOT")).isEqualTo("000100");
    assertThat(MetricsDocument.paddedVersion("")).isEqualTo("0");
  }

  @Test
  void thePrimaryIsMasterWithPatroni3NamesAsPatroni302Answers() {
    NodeSnapshot leader = Snapshots.leader().toBuilder().roleNames(RoleNames.PATRONI_3).build();
    assertThat(StatusDocument.of(leader, true).get("role").asString()).isEqualTo("master");
    assertThat(StatusDocument.of(Snapshots.leader(), true).get("role").asString())
        .isEqualTo("primary");
    NodeSnapshot replica = Snapshots.replica().toBuilder().roleNames(RoleNames.PATRONI_3).build();
    assertThat(StatusDocument.of(replica, true).get("role").asString()).isEqualTo("replica");
  }

  @Test
  void statusOfAStoppedPostgresHasOnlyWhatIsKnown() {
    NodeSnapshot stopped =
        Snapshots.replica().toBuilder()
            .postgresState("stopped")
            .postgres(NodeSnapshot.notRunning())
            .dcsReachable(false)
            .build();
    JsonNode doc = StatusDocument.of(stopped, false);
    assertThat(doc.get("state").asString()).isEqualTo("stopped");
    assertThat(doc.get("role").asString()).isEqualTo("replica");
    assertThat(doc.has("xlog")).isFalse();
    assertThat(doc.get("cluster_unlocked").asBoolean()).isTrue();
    assertThat(doc.get("database_system_identifier").asString()).isEqualTo("7712415343663771374");
  }

  private static Set<String> names(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("# TYPE "))
        .map(l -> l.split(" ")[2])
        .collect(Collectors.toSet());
  }

  private static String sample(String name) throws IOException {
    try (InputStream in = DocumentsTest.class.getResourceAsStream("/patroni/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
