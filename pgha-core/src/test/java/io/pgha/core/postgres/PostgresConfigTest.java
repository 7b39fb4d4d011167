package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.ConnectionSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresConfigTest {

  private static PostgresConfig.Builder builder() {
    return PostgresConfig.builder("pg-1", Path.of("/var/lib/pg/data"))
        .superuser("postgres", "su-secret")
        .replication("replicator", "repl-secret")
        .rewind("rewinder", "rw-secret");
  }

  @Test
  void defaultsAreSafeForRewind() {
    PostgresConfig config = builder().build();
    assertThat(config.initdbOptions()).contains("--data-checksums");
    assertThat(config.connectHost()).isEqualTo("127.0.0.1");
    assertThat(config.logFile()).isEqualTo(Path.of("/var/lib/pg/data.log"));
    assertThat(config.removeDataDirAllowed()).isFalse();
    assertThat(config.slotName()).isEqualTo("pg_1");
    assertThat(config.replicaCreators())
        .singleElement()
        .isInstanceOf(BaseBackupReplicaCreator.class);
  }

  @Test
  void toStringMasksEveryPassword() {
    String text = builder().build().toString();
    assertThat(text)
        .doesNotContain("su-secret", "repl-secret", "rw-secret")
        .contains("replicator:******");
    assertThat(new RoleCredentials("a", "pw").toString()).doesNotContain("pw");
  }

  @Test
  void rewindRoleDefaultsToTheSuperuser() {
    PostgresConfig config =
        PostgresConfig.builder("pg-1", Path.of("/d"))
            .superuser("postgres", "x")
            .replication("r", "y")
            .build();
    assertThat(config.rewind().name()).isEqualTo("postgres");
  }

  @Test
  void badValuesNameTheKeyTheValueAndTheRule() {
    assertThatThrownBy(() -> builder().port(70000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("postgresql.port (70000) is invalid: expected 1..65535");
    assertThatThrownBy(
            () ->
                PostgresConfig.builder("pg-1", Path.of("rel"))
                    .superuser("a", "b")
                    .replication("c", "d")
                    .build())
        .hasMessageContaining("postgresql.dataDir (rel)");
    assertThatThrownBy(() -> builder().parameter("port", "5433").build())
        .hasMessageContaining("postgresql.parameters.port (5433)")
        .hasMessageContaining("pgha manages");
    assertThatThrownBy(() -> builder().initdbOptions(List.of("--username=x")).build())
        .hasMessageContaining("postgresql.initdbOptions (--username=x)");
    assertThatThrownBy(
            () -> builder().hbaEntries(List.of("host all all\nlocal all all trust")).build())
        .hasMessageContaining("postgresql.hbaEntries");
  }

  @Test
  void managedFileQuotesValuesAndKeepsThePasswordOutOfLogsButInTheConninfo() {
    PostgresConfig config =
        builder().parameter("work_mem", "8MB").parameter("search_path", "'a', b").build();
    ManagedFiles files = new ManagedFiles(config, null);
    Map<String, String> values =
        files.parameters(
            new Upstream("10.0.0.2", 5433),
            SynchronousStandbys.first(1, List.of("pg-2")),
            Map.of("work_mem", "16MB", "max_connections", "50"));
    assertThat(values)
        .containsEntry("work_mem", "16MB")
        .containsEntry("max_connections", "50")
        .containsEntry("port", "5432")
        .containsEntry("primary_slot_name", "pg_1")
        .containsEntry("synchronous_standby_names", "FIRST 1 (\"pg-2\")");
    assertThat(values.get("primary_conninfo"))
        .contains(
            "host='10.0.0.2'",
            "port='5433'",
            "application_name='pg-1'",
            "passfile='/var/lib/pg/data/pgha.pgpass'")
        .doesNotContain("repl-secret");
    String rendered = ManagedFiles.render(values);
    assertThat(rendered).contains("search_path = '''a'', b'\n").contains("work_mem = '16MB'\n");
    assertThat(files.parameters(null, SynchronousStandbys.none(), Map.of()))
        .containsEntry("work_mem", "8MB")
        .doesNotContainKeys("primary_conninfo", "primary_slot_name")
        .containsEntry("synchronous_standby_names", "");
  }

  @Test
  void replicationTimeoutsFollowTheRetryTimeoutAndAUserValueWins() {
    ManagedFiles files = new ManagedFiles(builder().build(), null);
    files.replicationTimeouts(ReplicationTimeouts.of(Duration.ofSeconds(3)));
    Upstream leader = new Upstream("10.0.0.2", 5433);
    Map<String, String> values = files.parameters(leader, SynchronousStandbys.none(), Map.of());
    assertThat(values)
        .containsEntry("wal_sender_timeout", "3000ms")
        .containsEntry("wal_receiver_timeout", "3000ms");
    assertThat(values.get("primary_conninfo"))
        .contains(
            "connect_timeout='3'",
            "keepalives='1'",
            "keepalives_idle='1'",
            "keepalives_interval='1'",
            "keepalives_count='2'",
            "tcp_user_timeout='3000'");

    files.replicationTimeouts(ReplicationTimeouts.of(Duration.ofSeconds(30)));
    assertThat(files.primaryConninfo(leader))
        .contains("connect_timeout='5'", "keepalives_idle='10'", "tcp_user_timeout='30000'");
    assertThat(ReplicationTimeouts.of(Duration.ZERO).silence()).isEqualTo(Duration.ofSeconds(1));

    ManagedFiles configured =
        new ManagedFiles(builder().parameter("wal_sender_timeout", "60s").build(), null);
    assertThat(
            configured.parameters(
                leader, SynchronousStandbys.none(), Map.of("wal_receiver_timeout", "0")))
        .containsEntry("wal_sender_timeout", "60s")
        .containsEntry("wal_receiver_timeout", "0");
  }

  @Test
  void dynamicParametersAreCheckedLikeConfiguredOnes() {
    assertThatThrownBy(() -> PostgresConfig.checkedParameters(Map.of("primary_conninfo", "host=x")))
        .hasMessageContaining("postgresql.parameters.primary_conninfo (host=x)");
    assertThatThrownBy(() -> PostgresConfig.checkedParameters(Map.of("bad key", "1")))
        .hasMessageContaining("postgresql.parameters (bad key)");
    assertThatThrownBy(
            () ->
                PostgresConfig.checkedParameters(
                    Map.of("work_mem", "4MB'\narchive_command = 'sh -c x")))
        .hasMessageContaining(
            "postgresql.parameters.work_mem (4MB'?archive_command = 'sh -c x) is invalid")
        .hasMessageContaining("without line breaks");
  }

  @Test
  void passfileEscapesColonsAndBackslashes() {
    assertThat(ManagedFiles.passfileLine(new RoleCredentials("rep", "a:b\\c")))
        .isEqualTo("*:*:*:rep:a\\:b\\\\c\n");
  }

  @Test
  void conninfoEscapesQuotesAndBackslashes() {
    assertThat(ManagedFiles.conninfo(List.of("password", "a'b\\c")))
        .isEqualTo("password='a\\'b\\\\c'");
  }

  @Test
  void replicationTlsReachesPrimaryConninfoAndPgHbaAcceptsItOverTlsOnly(@TempDir Path dir)
      throws Exception {
    ConnectionSecurity verified =
        new ConnectionSecurity(
            "verify-full", Path.of("/etc/ca.crt"), null, null, null, null, null, "require", null);
    PostgresConfig config =
        PostgresConfig.builder("pg-1", dir)
            .superuser("postgres", "su-secret")
            .replication(new RoleCredentials("replicator", "repl-secret", verified))
            .build();
    ManagedFiles files = new ManagedFiles(config, null);
    assertThat(files.primaryConninfo(new Upstream("10.0.0.1", 5432)))
        .contains("sslmode='verify-full'", "sslrootcert='/etc/ca.crt'", "channel_binding='require'")
        .doesNotContain("repl-secret", "prefer");
    files.writeHba();
    assertThat(java.nio.file.Files.readAllLines(dir.resolve("pg_hba.conf")))
        .contains(
            "hostssl replication replicator all scram-sha-256",
            "host all postgres samehost scram-sha-256");
    assertThat(builder().build().replication().security()).isEqualTo(ConnectionSecurity.DEFAULT);
  }

  @Test
  void walKeepSegmentsBecomesWalKeepSizeAsPatroniWritesItForPostgres13AndLater() {
    ManagedFiles files =
        new ManagedFiles(builder().parameter("wal_keep_segments", "100").build(), null);
    assertThat(files.parameters(null, SynchronousStandbys.none(), Map.of()))
        .containsEntry("wal_keep_size", "1600MB")
        .doesNotContainKey("wal_keep_segments");
    // From the cluster's dynamic configuration too, and the newer name wins when both are set.
    ManagedFiles plain = new ManagedFiles(builder().build(), null);
    assertThat(plain.parameters(null, SynchronousStandbys.none(), Map.of("WAL_KEEP_SEGMENTS", "4")))
        .containsEntry("wal_keep_size", "64MB")
        .doesNotContainKeys("wal_keep_segments", "WAL_KEEP_SEGMENTS");
    assertThat(
            plain.parameters(
                null,
                SynchronousStandbys.none(),
                Map.of("wal_keep_segments", "100", "wal_keep_size", "64MB")))
        .containsEntry("wal_keep_size", "64MB")
        .doesNotContainKey("wal_keep_segments");
  }

  @Test
  void pgHbaGivenWholeIsWrittenExactlyAndPghaAddsItsOwnLinesOnlyWithoutIt(@TempDir Path dir)
      throws java.io.IOException {
    List<String> given = List.of("local all all trust", "host all all all md5");
    new ManagedFiles(builderAt(dir).hbaEntries(given, true).build(), null).writeHba();
    assertThat(java.nio.file.Files.readAllLines(dir.resolve("pg_hba.conf")))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactlyElementsOf(given);

    new ManagedFiles(builderAt(dir).hbaEntries(given).build(), null).writeHba();
    assertThat(java.nio.file.Files.readAllLines(dir.resolve("pg_hba.conf")))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactly(
            "host replication replicator all scram-sha-256",
            "host all postgres samehost scram-sha-256",
            "host all rewinder all scram-sha-256",
            "local all all trust",
            "host all all all md5");
  }

  private static PostgresConfig.Builder builderAt(Path dataDir) {
    return PostgresConfig.builder("pg-1", dataDir)
        .superuser("postgres", "su-secret")
        .replication("replicator", "repl-secret")
        .rewind("rewinder", "rw-secret");
  }
}
