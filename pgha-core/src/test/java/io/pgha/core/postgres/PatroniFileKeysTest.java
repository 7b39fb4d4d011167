package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patroni's {@code recovery_conf}, {@code custom_conf}, {@code pg_ident}, the {@code config} key's
 * {@code pg_hba} and {@code standby_cluster.archive_cleanup_command}, as written to the data
 * directory.
 */
class PatroniFileKeysTest {
  private static final Upstream LEADER = new Upstream("10.0.0.1", 5432);
  private static final Map<String, String> RECOVERY =
      Map.of("restore_command", "cp /archive/%f %p", "recovery_min_apply_delay", "5min");

  @Test
  void aReplicaGetsRecoveryConfUnderItsParametersAndAPrimaryDoesNot() {
    ManagedFiles files =
        new ManagedFiles(
            builder(Path.of("/var/lib/pg/data"))
                .recoveryConf(RECOVERY)
                .parameter("recovery_min_apply_delay", "1s")
                .build(),
            null);

    Map<String, String> replica = parameters(files, LEADER, DynamicSettings.NONE, true);
    assertThat(replica)
        .containsEntry("restore_command", "cp /archive/%f %p")
        // postgresql.parameters wins, as in Patroni.
        .containsEntry("recovery_min_apply_delay", "1s")
        .containsEntry("recovery_target_timeline", "latest")
        .containsKey("primary_conninfo");
    assertThat(parameters(files, null, DynamicSettings.NONE, false))
        .doesNotContainKey("restore_command");
  }

  @Test
  void theScopeIsTheClusterNameOverAConfiguredOneAsPatroniSetsIt() {
    ManagedFiles files =
        new ManagedFiles(
            builder(Path.of("/d")).parameter("cluster_name", "mine").clusterName("pg-test").build(),
            null);
    assertThat(parameters(files, null, DynamicSettings.NONE, false))
        .containsEntry("cluster_name", "pg-test");
    assertThat(
            parameters(
                new ManagedFiles(builder(Path.of("/d")).build(), null),
                null,
                DynamicSettings.NONE,
                false))
        .doesNotContainKey("cluster_name");
  }

  @Test
  void theConfigKeysRecoveryConfAppliesOnlyWithoutTheMembersOwn() {
    DynamicSettings dynamic =
        new DynamicSettings(
            Map.of(), Map.of("restore_command", "from the key"), List.of(), List.of());
    ManagedFiles plain = new ManagedFiles(builder(Path.of("/d")).build(), null);
    ManagedFiles own =
        new ManagedFiles(builder(Path.of("/d")).recoveryConf(RECOVERY).build(), null);

    assertThat(parameters(plain, LEADER, dynamic, true))
        .containsEntry("restore_command", "from the key");
    assertThat(parameters(own, LEADER, dynamic, true))
        .containsEntry("restore_command", "cp /archive/%f %p");
    assertThat(parameters(plain, LEADER, DynamicSettings.NONE, true))
        .doesNotContainKeys("restore_command", "recovery_min_apply_delay");
  }

  @Test
  void theStandbyClustersCommandsWinOverRecoveryConfOnTheStandbyLeader() {
    ManagedFiles files =
        new ManagedFiles(
            builder(Path.of("/d"))
                .recoveryConf(Map.of("archive_cleanup_command", "mine", "restore_command", "mine"))
                .build(),
            null);
    StandbySource source =
        new StandbySource(
            Optional.of(LEADER),
            Optional.empty(),
            Optional.of("cp /primary-archive/%f %p"),
            Optional.of("pg_archivecleanup /primary-archive %r"));

    Map<String, String> values =
        files.parameters(LEADER, source, SynchronousStandbys.none(), DynamicSettings.NONE, true);

    assertThat(values)
        .containsEntry("restore_command", "cp /primary-archive/%f %p")
        .containsEntry("archive_cleanup_command", "pg_archivecleanup /primary-archive %r");
  }

  @Test
  void customConfReplacesInitdbsFileWhichComesBackWhenItGoes(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("postgresql.conf"), "max_connections = 100\n");

    new ManagedFiles(builder(dir).customConf(Path.of("/etc/pg/it's.conf")).build(), null)
        .writeConf(null, null, SynchronousStandbys.none(), DynamicSettings.NONE, false);

    assertThat(Files.readAllLines(dir.resolve("postgresql.conf")))
        .containsExactly(
            ManagedFiles.CUSTOM_CONF_HEADER,
            "include '/etc/pg/it''s.conf'",
            ManagedFiles.INCLUDE_LINE);
    assertThat(Files.readString(dir.resolve(ManagedFiles.BASE_CONF)))
        .isEqualTo("max_connections = 100\n");

    new ManagedFiles(builder(dir).build(), null)
        .writeConf(null, null, SynchronousStandbys.none(), DynamicSettings.NONE, false);

    assertThat(Files.readAllLines(dir.resolve("postgresql.conf")))
        .containsExactly("max_connections = 100", "# Added by pgha:", ManagedFiles.INCLUDE_LINE);
  }

  @Test
  void pgIdentIsWrittenExactlyTheMembersFirstAndLeftAloneWhenNoneIsSet(@TempDir Path dir)
      throws IOException {
    Path ident = dir.resolve("pg_ident.conf");
    Files.writeString(ident, "# initdb's\n");
    DynamicSettings dynamic =
        new DynamicSettings(Map.of(), Map.of(), List.of(), List.of("keymap bob postgres"));

    new ManagedFiles(builder(dir).build(), null).writeIdent(DynamicSettings.NONE);
    assertThat(Files.readString(ident)).isEqualTo("# initdb's\n");

    new ManagedFiles(builder(dir).build(), null).writeIdent(dynamic);
    assertThat(Files.readAllLines(ident))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactly("keymap bob postgres");

    new ManagedFiles(builder(dir).pgIdent(List.of("ops  alice  postgres")).build(), null)
        .writeIdent(dynamic);
    assertThat(Files.readAllLines(ident))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactly("ops  alice  postgres");
  }

  @Test
  void theConfigKeysPgHbaIsTheWholeFileUnlessTheMemberGivesOne(@TempDir Path dir)
      throws IOException {
    DynamicSettings dynamic =
        new DynamicSettings(
            Map.of(), Map.of(), List.of("host all all 127.0.0.1/32 trust"), List.of());

    new ManagedFiles(builder(dir).build(), null).writeHba(dynamic);
    assertThat(Files.readAllLines(dir.resolve("pg_hba.conf")))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactly("host all all 127.0.0.1/32 trust");

    new ManagedFiles(builder(dir).hbaEntries(List.of("local all all peer"), true).build(), null)
        .writeHba(dynamic);
    assertThat(Files.readAllLines(dir.resolve("pg_hba.conf")))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactly("local all all peer");
  }

  @Test
  void badValuesNameTheKeyTheValueAndTheRule() {
    assertThatThrownBy(() -> builder(Path.of("/d")).basebackupOptions(List.of("--slot=x")).build())
        .hasMessageContaining("postgresql.basebackup (--slot=x) must not be one of");
    assertThatThrownBy(() -> new BaseBackupReplicaCreator(List.of("-D /x")))
        .hasMessageContaining("postgresql.basebackup (-D /x) must be long pg_basebackup options");
    assertThatThrownBy(() -> new DynamicSettings(Map.of(), Map.of(), List.of("a\nb"), List.of()))
        .hasMessage("postgresql.pg_hba (a\nb) must be one non-blank line each");
    assertThat(new BaseBackupReplicaCreator(List.of("--max-rate=100M")).options())
        .containsExactly("--max-rate=100M");
  }

  private static Map<String, String> parameters(
      ManagedFiles files, Upstream upstream, DynamicSettings dynamic, boolean standby) {
    return files.parameters(upstream, null, SynchronousStandbys.none(), dynamic, standby);
  }

  private static PostgresConfig.Builder builder(Path dataDir) {
    return PostgresConfig.builder("pg-1", dataDir)
        .superuser("postgres", "su-secret")
        .replication("replicator", "repl-secret");
  }
}
