package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pgha.core.config.AfterBootstrap;
import io.pgha.core.config.EtcdSettings;
import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.PostgresSettings;
import io.pgha.core.config.ReplicaMethod;
import io.pgha.core.config.RestApiSettings;
import io.pgha.core.config.StandbyCluster;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.RoleNames;
import io.pgha.patroni.SynchronousMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Patroni node configuration as Pigsty writes it, read into pgha's configuration. */
class PatroniConfigReaderTest {

  private static String pigsty() throws IOException {
    try (InputStream in = PatroniConfigReaderTest.class.getResourceAsStream("/pigsty-member.yml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static SidecarConfig read(String yaml) {
    return PatroniConfigReader.parse("test.yml", yaml, Map.of());
  }

  private static ConfigFileException problem(String yaml) {
    return problem(yaml, Map.of());
  }

  private static ConfigFileException problem(String yaml, Map<String, String> env) {
    return catchThrowableOfType(
        ConfigFileException.class, () -> PatroniConfigReader.parse("test.yml", yaml, env));
  }

  private static final String MINIMAL =
      "scope: demo\n"
          + "name: m1\n"
          + "etcd3:\n"
          + "  hosts: 127.0.0.1:2379\n"
          + "postgresql:\n"
          + "  listen: 127.0.0.1:5432\n"
          + "  data_dir: /var/lib/pg/data\n"
          + "  authentication:\n"
          + "    superuser: {username: postgres, password: su-secret}\n"
          + "    replication: {username: replicator, password: repl-secret}\n";

  @Test
  void pigstysPatroniFileMapsOntoPghaConfig() throws IOException {
    SidecarConfig config = read(pigsty());
    PghaConfig pgha = config.pgha();

    assertThat(pgha.scope()).isEqualTo("pg-test");
    assertThat(pgha.namespace()).isEqualTo("/pg");
    assertThat(pgha.name()).isEqualTo("pg-test-1");
    assertThat(pgha.etcd().endpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(pgha.restApi().listen().port()).isEqualTo(8008);
    assertThat(pgha.restApi().apiUrl()).isEqualTo("http://127.0.0.1:8008/patroni");
    assertThat(pgha.postgres().dataDir()).isEqualTo(Path.of("/pg/data"));
    assertThat(pgha.postgres().listen().host()).isEqualTo("0.0.0.0");
    assertThat(pgha.postgres().connectAddress().toString()).isEqualTo("127.0.0.1:5432");
    assertThat(pgha.postgres().superuser().username()).isEqualTo("postgres");
    assertThat(pgha.postgres().replication().username()).isEqualTo("replicator");
    assertThat(pgha.tags()).containsEntry("nofailover", "false");
    assertThat(pgha.timings().ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(pgha.timings().loopWait()).isEqualTo(Duration.ofSeconds(10));

    DynamicConfig dcs = pgha.initialDynamicConfig();
    assertThat(dcs.failsafeMode()).isTrue();
    assertThat(dcs.drainTimeout()).isEqualTo(3);
    assertThat(dcs.maximumLagOnFailover()).isEqualTo(1_048_576L);
    assertThat(dcs.usePgRewind()).isTrue();
    assertThat(dcs.parameters()).containsEntry("max_connections", "100");

    PostgresSettings pg = config.pgha().postgres();
    assertThat(pg.binDir()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
    assertThat(pg.parameters()).containsEntry("max_connections", "100");
    assertThat(pg.parameters()).doesNotContainKey("unix_socket_directories");
    assertThat(pg.socketDirectory()).isEqualTo(Path.of("/var/run/postgresql"));
    assertThat(pg.pgHba()).containsExactly("host all all 0.0.0.0/0 md5");
    // bootstrap.pg_hba adds to the file (pgha's own lines first, as initdb's would be).
    assertThat(pg.pgHbaExact()).isFalse();
    assertThat(pg.initdbOptions()).containsExactly("--encoding=UTF8", "--data-checksums");
    assertThat(config.onRoleChange()).containsExactly("/pg/bin/pg-role-change");
    assertThat(config.pgha().restApi().credentials().orElseThrow().username())
        .isEqualTo("postgres");
  }

  @Test
  void thePrimaryIsNamedMasterAsPatroni3NamesItUnlessTheFileAsksForPrimary() {
    assertThat(read(MINIMAL).pgha().roleNames()).isEqualTo(RoleNames.PATRONI_3);
    assertThat(read(MINIMAL + "pgha:\n  primary_role_name: primary\n").pgha().roleNames())
        .isEqualTo(RoleNames.PATRONI_4);
    assertThat(problem(MINIMAL + "pgha:\n  primary_role_name: leader\n").getMessage())
        .contains("pgha.primary_role_name (leader) is not allowed: expected master or primary");
  }

  @Test
  void theFileOfARealPatroniNodeRunsUnchanged() throws IOException {
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/patroni-3.0.2-node1.yml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    SidecarConfig config = read(yaml);
    assertThat(config.pgha().namespace()).isEqualTo("/service");
    assertThat(config.pgha().postgres().rewind().username()).isEqualTo("postgres");
    assertThat(config.warnings())
        .containsExactly(
            "line 5: log is ignored: pgha logs through SLF4J; configure logback"
                + " (-Dlogback.configurationFile)",
            "line 48: postgresql.pgpass is ignored: pgha passes passwords to its tools directly");
    PostgresSettings pg = config.pgha().postgres();
    assertThat(pg.initdbOptions())
        .containsExactly("--encoding=UTF8", "--locale=C", "--data-checksums");
    assertThat(pg.parameters())
        .containsEntry("wal_log_hints", "on")
        .containsEntry("log_min_messages", "warning");
    // postgresql.pg_hba is the whole file, written as given.
    assertThat(pg.pgHba())
        .containsExactly(
            "local all all trust",
            "host all all 127.0.0.1/32 trust",
            "host replication replicator 127.0.0.1/32 trust");
    assertThat(pg.pgHbaExact()).isTrue();
    assertThat(config.pgha().initialDynamicConfig().primaryStartTimeout()).isEqualTo(10);
  }

  @Test
  void unknownAndIgnoredKeysAreWarnedAboutWithTheirLine() throws IOException {
    SidecarConfig config = read(pigsty());
    assertThat(config.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("line 36: postgresql.pgpass is ignored"))
        .anySatisfy(w -> assertThat(w).startsWith("line 53: log is ignored"))
        .anySatisfy(w -> assertThat(w).isEqualTo("line 55: unknown key frobnicate is ignored"));
  }

  @Test
  void createReplicaMethodsAndTheirSectionsAreRead() {
    SidecarConfig config =
        read(
            MINIMAL
                + "  create_replica_methods: [pgbackrest, basebackup]\n"
                + "  pgbackrest:\n"
                + "    command: /usr/bin/pgbackrest --stanza=pg-test --delta restore\n"
                + "    keep_data: true\n"
                + "    no_params: true\n"
                + "    no_leader: true\n"
                + "    type: standby\n"
                + "pgha:\n  create_replica_timeout: 600\n");
    PostgresSettings pg = config.pgha().postgres();

    assertThat(pg.replicaMethods()).hasSize(2);
    ReplicaMethod restore = pg.replicaMethods().get(0);
    assertThat(restore.name()).isEqualTo("pgbackrest");
    assertThat(restore.command())
        .containsExactly("/usr/bin/pgbackrest", "--stanza=pg-test", "--delta", "restore");
    assertThat(restore.keepData()).isTrue();
    assertThat(restore.noLeader()).isTrue();
    assertThat(restore.noParams()).isTrue();
    assertThat(restore.optionArguments()).containsExactly("--type=standby");
    assertThat(pg.replicaMethods().get(1).isBasebackup()).isTrue();
    assertThat(pg.canCreateReplicaWithoutLeader()).isTrue();
    assertThat(pg.createReplicaTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.warnings()).noneMatch(w -> w.contains("pgbackrest") || w.contains("replica"));
  }

  @Test
  void aMethodWithoutSectionRunsItsNameAsPatroniDoes() {
    PostgresSettings pg =
        read(MINIMAL + "  create_replica_methods:\n    - wal_e\n").pgha().postgres();

    assertThat(pg.replicaMethods())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.command()).containsExactly("wal_e");
              assertThat(m.noLeader()).isFalse();
            });
  }

  @Test
  void withoutCreateReplicaMethodsPghaUsesBasebackup() {
    PostgresSettings pg = read(MINIMAL).pgha().postgres();

    assertThat(pg.replicaMethods())
        .singleElement()
        .satisfies(m -> assertThat(m.isBasebackup()).isTrue());
    assertThat(pg.canCreateReplicaWithoutLeader()).isFalse();
  }

  @Test
  void aSecretInAMethodsSectionIsRefused() {
    ConfigFileException e =
        problem(
            MINIMAL
                + "  create_replica_methods: [walg]\n"
                + "  walg:\n"
                + "    command: wal-g backup-fetch\n"
                + "    aws-secret-access-key: very-secret\n");

    assertThat(e.getMessage())
        .contains("postgresql.walg.aws-secret-access-key must not hold a secret")
        .doesNotContain("very-secret");
  }

  @Test
  void malformedYamlNamesTheLineAndTheKey() {
    ConfigFileException e = problem("scope: x\nname: [a\n  b: c\n");
    assertThat(e.getMessage()).contains("test.yml").contains("line 3").contains("'b'");
  }

  @Test
  void aDocumentThatIsNotAMappingIsRefused() {
    assertThat(problem("- a\n- b\n").getMessage()).contains("line 1").contains("mapping");
    assertThat(problem("").getMessage()).contains("empty");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThat(problem(MINIMAL + "scope: other\n").getMessage()).contains("scope");
  }

  @Test
  void aBadValueNamesKeyValueAndWhatIsAllowed() {
    String yaml = MINIMAL + "bootstrap:\n  dcs:\n    ttl: soon\n    synchronous_mode: maybe\n";
    ConfigFileException e = problem(yaml);
    assertThat(e.problems())
        .contains(
            "line 13: bootstrap.dcs.ttl (soon) is not allowed: expected a whole number of"
                + " seconds, 2 or more",
            "line 14: bootstrap.dcs.synchronous_mode (maybe) is not allowed: expected true, false"
                + " or quorum");
  }

  @Test
  void pghasOwnChecksAreReportedAtTheLineOfTheKey() {
    ConfigFileException e =
        problem(MINIMAL.replace("/var/lib/pg/data", "relative/dir") + "tags:\n  nofailover: 2\n");
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith("line 7: postgresql.data_dir (relative/dir)"))
        .anySatisfy(p -> assertThat(p).startsWith("line 12: tags.nofailover (2)"));
  }

  @Test
  void theTimingRuleIsCheckedOnBootstrapDcsAndBrokenOnlyWarns() {
    // Patroni starts with such a file; so does the sidecar, with the line of the ttl.
    SidecarConfig config =
        read(MINIMAL + "bootstrap:\n  dcs:\n    ttl: 10\n    loop_wait: 5\n    retry_timeout: 5\n");
    assertThat(config.pgha().timings().ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.warnings())
        .anySatisfy(
            w -> assertThat(w).startsWith("line 13: ttl (10s) is below loop_wait + 2 * retry"));
  }

  @Test
  void bootstrapDcsSettingsReachTheInitialDynamicConfiguration() {
    SidecarConfig config =
        read(
            MINIMAL
                + "bootstrap:\n  dcs:\n    synchronous_mode: true\n    synchronous_mode_strict: true\n"
                + "    synchronous_node_count: 2\n    check_timeline: on\n"
                + "    maximum_lag_on_failover: 0\n    master_start_timeout: 20\n"
                + "    postgresql:\n      use_slots: false\n");
    DynamicConfig dcs = config.pgha().initialDynamicConfig();
    assertThat(dcs.synchronousMode()).isEqualTo(SynchronousMode.ON);
    assertThat(dcs.synchronousModeStrict()).isTrue();
    assertThat(dcs.synchronousNodeCount()).isEqualTo(2);
    assertThat(dcs.checkTimeline()).isTrue();
    assertThat(dcs.maximumLagOnFailover()).isZero();
    assertThat(dcs.primaryStartTimeout()).isEqualTo(20);
    assertThat(dcs.useSlots()).isFalse();
    assertThat(config.pgha().postgres().useSlots()).isFalse();
  }

  @Test
  void maxTimelinesHistoryAndPrimaryStopTimeoutReachTheInitialDynamicConfiguration() {
    DynamicConfig dcs =
        read(MINIMAL
                + "bootstrap:\n  dcs:\n    max_timelines_history: 3\n"
                + "    master_stop_timeout: 7\n")
            .pgha()
            .initialDynamicConfig();
    assertThat(dcs.maxTimelinesHistory()).isEqualTo(3);
    assertThat(dcs.primaryStopTimeout()).isEqualTo(7);
    assertThat(read(MINIMAL).pgha().initialDynamicConfig().maxTimelinesHistory()).isZero();
    assertThat(problem(MINIMAL + "bootstrap:\n  dcs:\n    max_timelines_history: -1\n").problems())
        .containsExactly(
            "line 13: bootstrap.dcs.max_timelines_history (-1) is not allowed: expected a whole"
                + " number, 0 or more");
  }

  @Test
  void postBootstrapAndUsersAreReadAsPatroniReadsThem() {
    SidecarConfig config =
        read(
            MINIMAL
                + "bootstrap:\n"
                + "  post_init: /usr/local/bin/setup \"two words\"\n"
                + "  users:\n"
                + "    admin:\n"
                + "      password: admin-secret\n"
                + "      options: [createrole, createdb]\n"
                + "    reader: {options: [nologin]}\n"
                + "pgha:\n  post_bootstrap_timeout: 30\n");
    AfterBootstrap after = config.pgha().afterBootstrap();
    assertThat(after.script()).containsExactly("/usr/local/bin/setup", "two words");
    assertThat(after.scriptTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(after.users())
        .extracting(u -> u.credentials().username(), u -> u.roleOptions())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("admin", "CREATEROLE CREATEDB LOGIN"),
            org.assertj.core.groups.Tuple.tuple("reader", "NOLOGIN"));
    assertThat(after.users().get(0).credentials().password()).isEqualTo("admin-secret");
    assertThat(config.warnings()).noneMatch(w -> w.contains("bootstrap"));
    // post_bootstrap wins over post_init, as in Patroni.
    assertThat(
            read(MINIMAL + "bootstrap:\n  post_bootstrap: /a\n  post_init: /b\n")
                .pgha()
                .afterBootstrap()
                .script())
        .containsExactly("/a");
  }

  @Test
  void aBootstrapUserOptionThatIsNotARoleAttributeIsRefusedAtItsLine() {
    ConfigFileException e =
        problem(
            MINIMAL
                + "bootstrap:\n  users:\n    app:\n      password: app-secret\n"
                + "      options: [\"createdb; drop table x\"]\n");
    assertThat(e.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("line 15: bootstrap.users.app.options (CREATEDB; DROP TABLE X) must be a role")
        .doesNotContain("app-secret");
  }

  @Test
  void theFastTakeoverIsOnByDefaultInSynchronousModeAndItsKeysAreRead() {
    DynamicConfig byDefault =
        read(MINIMAL + "bootstrap:\n  dcs:\n    synchronous_mode: true\n")
            .pgha()
            .initialDynamicConfig();
    assertThat(byDefault.fastTakeoverEnabled()).isTrue();
    assertThat(byDefault.leaderSilenceTimeoutDuration()).isEqualTo(Duration.ofSeconds(2));

    DynamicConfig set =
        read(MINIMAL
                + "bootstrap:\n  dcs:\n    synchronous_mode: true\n    fast_takeover: true\n"
                + "    leader_silence_timeout: 3\n")
            .pgha()
            .initialDynamicConfig();
    assertThat(set.fastTakeoverEnabled()).isTrue();
    assertThat(set.leaderSilenceTimeoutDuration()).isEqualTo(Duration.ofSeconds(3));

    DynamicConfig off =
        read(MINIMAL + "bootstrap:\n  dcs:\n    synchronous_mode: true\n    fast_takeover: off\n")
            .pgha()
            .initialDynamicConfig();
    assertThat(off.fastTakeoverEnabled()).isFalse();
  }

  @Test
  void theFastTakeoverIsRefusedWithoutThePriorityBarrierOrWithABadSilenceTimeout() {
    assertThat(
            problem(
                    MINIMAL
                        + "bootstrap:\n  dcs:\n    synchronous_mode: false\n"
                        + "    fast_takeover: true\n")
                .problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "line 14: fast_takeover (true) requires synchronous_mode true (priority),"
                            + " not false"));
    assertThat(
            problem(
                    MINIMAL
                        + "bootstrap:\n  dcs:\n    synchronous_mode: quorum\n"
                        + "    fast_takeover: yes\n")
                .problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "line 14: fast_takeover (true) requires synchronous_mode true (priority),"
                            + " not quorum"));
    assertThat(
            problem(
                    MINIMAL
                        + "bootstrap:\n  dcs:\n    synchronous_mode: true\n    fast_takeover: maybe\n"
                        + "    leader_silence_timeout: soon\n")
                .problems())
        .contains(
            "line 14: bootstrap.dcs.fast_takeover (maybe) is not allowed: expected true or false",
            "line 15: bootstrap.dcs.leader_silence_timeout (soon) is not allowed: expected a whole"
                + " number of seconds, 1 or more");
    // 8 s of silence would come no sooner than the lease's expiry.
    assertThat(
            problem(
                    MINIMAL
                        + "bootstrap:\n  dcs:\n    synchronous_mode: true\n    ttl: 10\n"
                        + "    loop_wait: 2\n    retry_timeout: 3\n    leader_silence_timeout: 8\n")
                .problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "line 17: leader_silence_timeout (8s) must be at least 1s and less than"
                            + " ttl - loop_wait (10s - 2s = 8s)"));
  }

  @Test
  void permanentSlotsAndIgnoreSlotsReachTheConfigKeyAsWritten() {
    SidecarConfig config =
        read(
            MINIMAL
                + "bootstrap:\n  dcs:\n    slots:\n      pm_1:\n        type: physical\n"
                + "      pm_2:\n"
                + "      test_logical:\n        database: postgres\n        plugin: test_decoding\n"
                + "    ignore_slots:\n      - name: keep_me\n      - database: app\n"
                + "        type: logical\n");
    DynamicConfig dcs = config.pgha().initialDynamicConfig();
    Map<String, Object> slots = new java.util.LinkedHashMap<>();
    slots.put("pm_1", Map.of("type", "physical"));
    slots.put("pm_2", null);
    slots.put("test_logical", Map.of("database", "postgres", "plugin", "test_decoding"));
    assertThat(dcs.extra())
        .containsEntry("slots", slots)
        .containsEntry(
            "ignore_slots",
            List.of(Map.of("name", "keep_me"), Map.of("database", "app", "type", "logical")));
    assertThat(config.warnings()).noneMatch(w -> w.contains("slots"));
  }

  @Test
  void quorumCommitReachesTheInitialDynamicConfiguration() {
    SidecarConfig config = read(MINIMAL + "bootstrap:\n  dcs:\n    synchronous_mode: quorum\n");
    assertThat(config.pgha().initialDynamicConfig().synchronousMode())
        .isEqualTo(SynchronousMode.QUORUM);
  }

  @Test
  void patroniEnvironmentVariablesOverrideTheFile() {
    Map<String, String> env =
        Map.of(
            "PATRONI_SUPERUSER_PASSWORD", "from-env-su",
            "PATRONI_REPLICATION_PASSWORD", "from-env-repl",
            "PATRONI_ETCD3_HOSTS", "'10.0.0.1:2379','10.0.0.2:2379'",
            "PATRONI_ETCD3_USERNAME", "etcd-user",
            "PATRONI_ETCD3_PASSWORD", "from-env-etcd",
            "PATRONI_RESTAPI_USERNAME", "api",
            "PATRONI_RESTAPI_PASSWORD", "from-env-api",
            "PATRONI_NAME", "m9");
    SidecarConfig config = PatroniConfigReader.parse("test.yml", MINIMAL, env);
    PghaConfig pgha = config.pgha();
    assertThat(pgha.name()).isEqualTo("m9");
    assertThat(pgha.postgres().superuser().passwordIfSet()).contains("from-env-su");
    assertThat(pgha.postgres().replication().passwordIfSet()).contains("from-env-repl");
    assertThat(pgha.etcd().endpoints())
        .containsExactly(URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379"));
    assertThat(pgha.etcd().credentials().orElseThrow().passwordIfSet()).contains("from-env-etcd");
    assertThat(config.pgha().restApi().credentials().orElseThrow().username()).isEqualTo("api");
    // Secrets never show in what is printed or logged.
    String printed = pgha + " " + config.pgha().postgres() + " " + config.pgha().restApi();
    assertThat(printed)
        .doesNotContain("from-env-su", "from-env-repl", "from-env-etcd", "from-env-api");
  }

  @Test
  void drainAndStopTimeoutsBeyondWhatTheAgentsReadAreRefused() {
    assertThat(problem(MINIMAL + "bootstrap:\n  dcs:\n    drain_timeout: 61\n").problems())
        .contains(
            "line 13: bootstrap.dcs.drain_timeout (61) is not allowed: expected a whole number"
                + " from 0 to 60");
    assertThat(
            problem(MINIMAL + "bootstrap:\n  dcs:\n    primary_stop_timeout: 86401\n").problems())
        .contains(
            "line 13: bootstrap.dcs.primary_stop_timeout (86401) is not allowed: expected a whole"
                + " number from 0 to 86400");
    assertThat(
            read(MINIMAL + "bootstrap:\n  dcs:\n    drain_timeout: 60\n")
                .pgha()
                .initialDynamicConfig()
                .drainTimeout())
        .isEqualTo(60);
  }

  @Test
  void bootstrapUsersComeFromPatronisPerUserVariables() {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("PATRONI_app_PASSWORD", "app-env-secret");
    env.put("PATRONI_app_OPTIONS", "createdb,createrole");
    env.put("PATRONI_ADMIN_USER_PASSWORD", "admin-env-secret");
    env.put("PATRONI_NOPASS_PASSWORD", "");
    env.put("PATRONI_NOPASS_OPTIONS", "createdb");
    // Keys of Patroni's own sections, not users.
    env.put("PATRONI_SUPERUSER_PASSWORD", "su-env-secret");
    env.put("PATRONI_RESTAPI_KEYFILE_PASSWORD", "keyfile-secret");
    env.put("PATRONI_ETCD3_PASSWORD", "etcd-secret");
    env.put("PATRONI_ETCD3_USERNAME", "etcd-user");
    env.put("PATRONI_ZOOKEEPER_KEY_PASSWORD", "zk-secret");
    env.put("PATRONI_RAFT_PASSWORD", "raft-secret");
    SidecarConfig config = PatroniConfigReader.parse("test.yml", MINIMAL, env);

    List<AfterBootstrap.BootstrapUser> users = config.pgha().afterBootstrap().users();
    assertThat(users)
        .extracting(u -> u.credentials().username(), u -> u.roleOptions())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ADMIN_USER", "LOGIN"),
            org.assertj.core.groups.Tuple.tuple("app", "CREATEDB CREATEROLE LOGIN"));
    assertThat(users)
        .extracting(u -> u.credentials().password())
        .containsExactly("admin-env-secret", "app-env-secret");
    assertThat(config.warnings())
        .anyMatch(w -> w.startsWith("environment variable PATRONI_NOPASS_OPTIONS is ignored"));
    String printed = config.pgha() + " " + config.pgha().afterBootstrap() + config.warnings();
    assertThat(printed).doesNotContain("app-env-secret", "admin-env-secret");
  }

  @Test
  void aUserVariableOverridesTheFilesUserKeyByKeyAsPatroniPatchesTheFile() {
    String yaml =
        MINIMAL
            + "bootstrap:\n"
            + "  users:\n"
            + "    admin:\n"
            + "      password: file-secret\n"
            + "      options: [createdb]\n"
            + "    reader:\n"
            + "      password: reader-secret\n"
            + "      options: [nologin]\n";
    // The password only: the file's options stay.
    List<AfterBootstrap.BootstrapUser> passwordOnly =
        PatroniConfigReader.parse("test.yml", yaml, Map.of("PATRONI_admin_PASSWORD", "env-secret"))
            .pgha()
            .afterBootstrap()
            .users();
    assertThat(passwordOnly)
        .extracting(
            u -> u.credentials().username(), u -> u.credentials().password(), u -> u.roleOptions())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("admin", "env-secret", "CREATEDB LOGIN"),
            org.assertj.core.groups.Tuple.tuple("reader", "reader-secret", "NOLOGIN"));
    // With options, they replace the file's; the file's other users stay.
    List<AfterBootstrap.BootstrapUser> both =
        PatroniConfigReader.parse(
                "test.yml",
                yaml,
                Map.of(
                    "PATRONI_admin_PASSWORD",
                    "env-secret",
                    "PATRONI_admin_OPTIONS",
                    "[createrole, 'connection limit 5']"))
            .pgha()
            .afterBootstrap()
            .users();
    assertThat(both)
        .extracting(u -> u.credentials().username(), u -> u.roleOptions())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("admin", "CREATEROLE CONNECTION LIMIT 5 LOGIN"),
            org.assertj.core.groups.Tuple.tuple("reader", "NOLOGIN"));
  }

  @Test
  void aBadOptionFromAUserVariableNamesTheVariableAndNotThePassword() {
    ConfigFileException e =
        problem(
            MINIMAL + "bootstrap:\n  users:\n    app:\n      options: [createdb]\n",
            Map.of("PATRONI_app_PASSWORD", "app-env-secret", "PATRONI_app_OPTIONS", "createdb; x"));
    assertThat(e.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith(
            "environment variable PATRONI_app_OPTIONS: bootstrap.users.app.options (CREATEDB; X)"
                + " must be a role attribute")
        .doesNotContain("app-env-secret");
    assertThat(e.getMessage()).doesNotContain("app-env-secret");
  }

  @Test
  void userVariablesNeverReachAChildsEnvironment() {
    Map<String, String> child = new java.util.HashMap<>();
    child.put("PATRONI_app_PASSWORD", "app-env-secret");
    child.put("PATRONI_app_OPTIONS", "createdb");
    child.put("PATH", "/usr/bin");
    io.pgha.core.postgres.ChildEnvironment.scrub(child);
    assertThat(child).containsOnlyKeys("PATH");
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheVariable() {
    ConfigFileException e = problem(MINIMAL, Map.of("PATRONI_ETCD3_PROTOCOL", "ftp"));
    assertThat(e.problems())
        .contains(
            "environment variable PATRONI_ETCD3_PROTOCOL: etcd3.protocol (ftp) is not allowed:"
                + " expected http or https");
  }

  @Test
  void etcd3UrlProxySrvAndUseProxiesAreReadAsPatroni302ReadsThem() {
    String etcd = "etcd3:\n  hosts: 127.0.0.1:2379\n";
    // url: one endpoint, port 2379 by default, its credentials those of etcd; hosts set aside.
    SidecarConfig url =
        read(
            MINIMAL.replace(
                etcd,
                "etcd3:\n  hosts: 10.0.0.9:2379\n  username: other\n  password: other-pw\n"
                    + "  url: http://root:s3cr%40t@etcd.example:2379\n"));
    assertThat(url.pgha().etcd().endpoints())
        .containsExactly(URI.create("http://etcd.example:2379"));
    assertThat(url.pgha().etcd().username()).isEqualTo("root");
    assertThat(url.pgha().etcd().password()).isEqualTo("s3cr@t");
    assertThat(url.warnings())
        .containsExactly("line 4: etcd3.hosts is ignored: etcd3.url is set (as in Patroni)");
    assertThat(
            read(MINIMAL.replace(etcd, "etcd3:\n  url: http://10.0.0.7\n"))
                .pgha()
                .etcd()
                .endpoints())
        .containsExactly(URI.create("http://10.0.0.7:2379"));

    // proxy: wins over url and srv (Patroni sets use_proxies and url from it).
    SidecarConfig proxy =
        read(
            MINIMAL.replace(
                etcd,
                "etcd3:\n  proxy: http://127.0.0.1:23790\n  url: http://10.0.0.7:2379\n"
                    + "  srv: example.com\n  use_proxies: false\n"));
    assertThat(proxy.pgha().etcd().endpoints())
        .containsExactly(URI.create("http://127.0.0.1:23790"));
    assertThat(proxy.pgha().etcd().srvIfSet()).isEmpty();
    assertThat(proxy.warnings())
        .containsExactly("line 5: etcd3.url is ignored: etcd3.proxy is set (as in Patroni)");

    // srv (and srv_suffix): looked up first, the hosts serve when it names nothing.
    SidecarConfig srv =
        read(
            MINIMAL.replace(
                    etcd,
                    "etcd3:\n  srv: etcd.example.com\n  srv_suffix: blue\n  hosts: 127.0.0.1:2379\n")
                + "pgha:\n  dns_server: dns://127.0.0.1:8600\n");
    EtcdSettings.SrvDiscovery discovery = srv.pgha().etcd().srvIfSet().orElseThrow();
    assertThat(discovery.domain()).isEqualTo("etcd.example.com");
    assertThat(discovery.suffix()).isEqualTo("blue");
    assertThat(discovery.dnsServer()).isEqualTo(URI.create("dns://127.0.0.1:8600"));
    assertThat(srv.pgha().etcd().endpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(srv.warnings()).isEmpty();
    assertThat(
            read(MINIMAL.replace(etcd, "etcd3:\n  srv: etcd.example.com\n"))
                .pgha()
                .etcd()
                .endpoints())
        .isEmpty();

    // use_proxies: true is what pgha does; false is read with a warning, never refused.
    assertThat(read(MINIMAL.replace(etcd, etcd + "  use_proxies: true\n")).warnings()).isEmpty();
    assertThat(read(MINIMAL.replace(etcd, etcd + "  use_proxies: false\n")).warnings())
        .singleElement()
        .asString()
        .startsWith("line 5: etcd3.use_proxies (false) is not followed: pgha does not discover");
  }

  @Test
  void aBadEtcdUrlIsRefusedWithoutShowingItsPassword() {
    ConfigFileException e =
        problem(
            MINIMAL.replace(
                "etcd3:\n  hosts: 127.0.0.1:2379\n",
                "etcd3:\n  url: ftp://root:hidden-pw@etcd.example:2379\n"));
    assertThat(e.getMessage()).doesNotContain("hidden-pw");
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "line 4: etcd3.url (ftp://****@etcd.example:2379) is not allowed: expected"
                            + " a URL http://host:port or https://host:port"));
  }

  @Test
  void restApiCiphersHeadersAndMemberAllowlistAreRead() {
    SidecarConfig config =
        read(
            MINIMAL
                + "restapi:\n"
                + "  ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384'\n"
                + "  allowlist_include_members: true\n"
                + "  http_extra_headers:\n"
                + "    X-Frame-Options: SAMEORIGIN\n"
                + "  https_extra_headers:\n"
                + "    Strict-Transport-Security: max-age=31536000\n");
    RestApiSettings api = config.pgha().restApi();
    assertThat(api.cipherSuites())
        .containsExactly(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assertThat(api.allowlistIncludeMembers()).isTrue();
    assertThat(api.httpExtraHeaders()).containsExactly(Map.entry("X-Frame-Options", "SAMEORIGIN"));
    assertThat(api.httpsExtraHeaders())
        .containsExactly(Map.entry("Strict-Transport-Security", "max-age=31536000"));
    // Plain HTTP: https_extra_headers are not sent, as in Patroni.
    assertThat(api.extraHeaders()).containsOnlyKeys("X-Frame-Options");
    assertThat(config.warnings()).isEmpty();
    // Absent: the JVM's suites, no headers, the allow-list alone.
    RestApiSettings plain = read(MINIMAL).pgha().restApi();
    assertThat(plain.cipherSuites()).isEmpty();
    assertThat(plain.extraHeaders()).isEmpty();
    assertThat(plain.allowlistIncludeMembers()).isFalse();
  }

  @Test
  void unknownCiphersAndUnsafeHeadersAreRefusedNamingTheKey() {
    ConfigFileException e =
        problem(
            MINIMAL
                + "restapi:\n"
                + "  ciphers: HIGH:!aNULL:ECDHE-RSA-AES128-GCM-SHA256\n"
                + "  http_extra_headers:\n"
                + "    'X-Bad Name': x\n");
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("line 12: restapi.ciphers (HIGH:!aNULL) must name cipher suites")
                    .contains("OpenSSL's names"))
        .anySatisfy(p -> assertThat(p).contains("restapi.http_extra_headers (X-Bad Name)"));
    assertThat(problem(MINIMAL + "restapi:\n  allowlist_include_members: sometimes\n").problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "restapi.allowlist_include_members (sometimes) is not allowed: expected"
                            + " true or false"));
  }

  @Test
  void secretsNeverAppearInProblems() {
    ConfigFileException e =
        problem(
            MINIMAL.replace("password: su-secret", "password: [su-secret]")
                + "restapi:\n  authentication:\n    password: api-secret\n");
    assertThat(e.getMessage()).doesNotContain("su-secret").doesNotContain("api-secret");
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).contains("postgresql.authentication.superuser.password"))
        .anySatisfy(p -> assertThat(p).contains("needs both username and password"));
  }

  @Test
  void anotherDcsThanEtcd3IsRefused() {
    ConfigFileException e =
        problem(MINIMAL.replace("etcd3:\n  hosts: 127.0.0.1:2379\n", "consul:\n  host: x:8500\n"));
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith("line 3: pgha keeps the cluster state in etcd"));
  }

  @Test
  void theStandbyClusterSectionGoesToTheConfigKey() {
    SidecarConfig config =
        read(
            MINIMAL
                + "bootstrap:\n  dcs:\n    standby_cluster:\n      host: 10.0.0.9\n"
                + "      port: 5433\n      primary_slot_name: standby_a\n"
                + "      create_replica_methods: [basebackup]\n"
                + "      restore_command: cp /archive/%f %p\n"
                + "      archive_cleanup_command: pg_archivecleanup /archive %r\n"
                + "      recovery_min_apply_delay: 1h\n");

    DynamicConfig dcs = config.pgha().initialDynamicConfig();
    assertThat(dcs.isStandbyCluster()).isTrue();
    StandbyCluster c = StandbyCluster.of(dcs).orElseThrow();
    assertThat(c.host()).contains("10.0.0.9");
    assertThat(c.port()).isEqualTo(5433);
    assertThat(c.primarySlotName()).contains("standby_a");
    assertThat(c.restoreCommand()).contains("cp /archive/%f %p");
    assertThat(c.archiveCleanupCommand()).contains("pg_archivecleanup /archive %r");
    assertThat(c.recoveryMinApplyDelay()).contains("1h");
    assertThat(config.warnings()).noneSatisfy(w -> assertThat(w).contains("standby_cluster"));
  }

  @Test
  void basebackupOptionsAreReadAsPatroniPassesThemAsAListOrAMapping() {
    PostgresSettings list =
        read(MINIMAL
                + "  basebackup:\n"
                + "    - verbose\n"
                + "    - max-rate: 100M\n"
                + "    - checkpoint: spread\n"
                + "    - label:\n")
            .pgha()
            .postgres();
    assertThat(list.basebackupOptions())
        .containsExactly("--verbose", "--max-rate=100M", "--checkpoint=spread");

    PostgresSettings mapping =
        read(MINIMAL + "  basebackup:\n    max-rate: 100M\n    label: from pgha\n")
            .pgha()
            .postgres();
    assertThat(mapping.basebackupOptions()).containsExactly("--max-rate=100M", "--label=from pgha");
    assertThat(read(MINIMAL).pgha().postgres().basebackupOptions()).isEmpty();
  }

  @Test
  void basebackupOptionsPghaPassesItselfAreRefusedWithTheirLine() {
    ConfigFileException e =
        problem(MINIMAL + "  basebackup:\n    - pgdata: /elsewhere\n    - wal-method: fetch\n");
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "line 11: postgresql.basebackup (--pgdata=/elsewhere) must not be one of"))
        .anySatisfy(p -> assertThat(p).contains("(--wal-method=fetch) must not be one of"));
    assertThat(problem(MINIMAL + "  basebackup: verbose\n").problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "line 11: postgresql.basebackup (scalar) is not allowed: expected a list"
                            + " such as [verbose, {max-rate: 100M}]"));
  }

  @Test
  void recoveryConfCustomConfAndPgIdentAreRead() {
    SidecarConfig config =
        read(
            MINIMAL
                + "  recovery_conf:\n"
                + "    restore_command: cp /archive/%f %p\n"
                + "    recovery_min_apply_delay: 5min\n"
                + "    primary_conninfo: host=elsewhere\n"
                + "    recovery_target_timeline: '2'\n"
                + "  custom_conf: custom.conf\n"
                + "  pg_ident:\n"
                + "    - ops  alice  postgres\n");
    PostgresSettings pg = config.pgha().postgres();

    assertThat(pg.recoveryConf())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("restore_command", "cp /archive/%f %p", "recovery_min_apply_delay", "5min"));
    assertThat(pg.customConf()).isEqualTo(Path.of("custom.conf"));
    assertThat(pg.pgIdent()).containsExactly("ops  alice  postgres");
    // Patroni leaves the connection and the recovery target out; so does pgha, and says so.
    assertThat(config.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "line 14: postgresql.recovery_conf.primary_conninfo is ignored: pgha writes it"
                            + " itself"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("postgresql.recovery_conf.recovery_target_timeline is ignored"))
        .noneSatisfy(w -> assertThat(w).contains("custom_conf"))
        .noneSatisfy(w -> assertThat(w).contains("pg_ident"));
  }

  @Test
  void aRecoveryParameterThatCannotBeWrittenIsNamedWithItsRule() {
    ConfigFileException e =
        problem(MINIMAL + "  recovery_conf:\n    recovery_min_apply_delay: soon\n");
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "line 12: postgresql.recovery_conf.recovery_min_apply_delay (soon) must be"
                            + " a whole number with an optional unit ms, s, min, h or d"));
  }

  @Test
  void bootstrapDcsRecoveryConfPgHbaAndPgIdentGoToTheConfigKey() {
    SidecarConfig config =
        read(
            MINIMAL
                + "bootstrap:\n  dcs:\n    postgresql:\n"
                + "      recovery_conf:\n        restore_command: cp /archive/%f %p\n"
                + "      pg_hba:\n        - host all all 127.0.0.1/32 trust\n"
                + "      pg_ident:\n        - ops alice postgres\n");

    DynamicConfig dcs = config.pgha().initialDynamicConfig();
    assertThat(dcs.postgresqlExtra())
        .containsEntry("recovery_conf", Map.of("restore_command", "cp /archive/%f %p"))
        .containsEntry("pg_hba", List.of("host all all 127.0.0.1/32 trust"))
        .containsEntry("pg_ident", List.of("ops alice postgres"));
    assertThat(config.warnings()).noneSatisfy(w -> assertThat(w).contains("bootstrap.dcs"));
    // Without a pg_hba of its own, the member writes the config key's (not its default lines).
    assertThat(config.pgha().postgres().pgHbaExact()).isFalse();
  }

  @Test
  void aStandbyClusterSectionThatCannotBeFollowedIsRefusedWithItsRule() {
    ConfigFileException e =
        problem(
            MINIMAL
                + "bootstrap:\n  dcs:\n    standby_cluster:\n      host: 10.0.0.9\n"
                + "      port: fifty\n");
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "line 13: standby_cluster.port (fifty) must be a port number in"
                            + " 1..65535"));
  }

  @Test
  void theWatchdogSectionAndPrePromoteMapOntoTheFencingSettings() {
    SidecarConfig config =
        read(
            MINIMAL
                + "  pre_promote: /usr/local/bin/fence --old-primary pg-2\n"
                + "watchdog:\n"
                + "  mode: required\n"
                + "  device: /dev/watchdog1\n"
                + "  safety_margin: 7\n"
                + "  driver: testing\n");

    FencingSettings fencing = config.pgha().fencing();
    assertThat(config.warnings()).isEmpty();
    assertThat(fencing.watchdogMode()).isEqualTo(WatchdogMode.REQUIRED);
    assertThat(fencing.watchdogDevice()).isEqualTo(Path.of("/dev/watchdog1"));
    assertThat(fencing.watchdogSafetyMargin()).isEqualTo(Duration.ofSeconds(7));
    assertThat(fencing.watchdogDriver()).isEqualTo(WatchdogDriver.TESTING);
    assertThat(fencing.prePromote())
        .containsExactly("/usr/local/bin/fence", "--old-primary", "pg-2");
  }

  @Test
  void watchdogModesAreReadAsPatroniReadsThem() {
    assertThat(read(MINIMAL).pgha().fencing().watchdogMode()).isEqualTo(WatchdogMode.OFF);
    assertThat(read(MINIMAL + "watchdog:\n  mode: auto\n").pgha().fencing().watchdogMode())
        .isEqualTo(WatchdogMode.AUTOMATIC);
    assertThat(read(MINIMAL + "watchdog:\n  mode: require\n").pgha().fencing().watchdogMode())
        .isEqualTo(WatchdogMode.REQUIRED);
    SidecarConfig unknown = read(MINIMAL + "watchdog:\n  mode: sometimes\n");
    assertThat(unknown.pgha().fencing().watchdogMode()).isEqualTo(WatchdogMode.OFF);
    assertThat(unknown.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "line 12: watchdog.mode (sometimes) is not off, automatic or required"));
  }

  @Test
  void aSafetyMarginOfMinusOneIsHalfTheTtlAndBadWatchdogValuesAreNamed() {
    SidecarConfig half =
        read(
            MINIMAL
                + "bootstrap:\n  dcs:\n    ttl: 20\n"
                + "watchdog:\n  mode: automatic\n  safety_margin: -1\n");
    assertThat(half.pgha().fencing().watchdogSafetyMargin()).isEqualTo(Duration.ofSeconds(10));
    assertThat(half.warnings())
        .anySatisfy(w -> assertThat(w).contains("watchdog.safety_margin (-1) is taken as 10s"));

    ConfigFileException e =
        problem(
            MINIMAL
                + "bootstrap:\n  dcs:\n    ttl: 20\n"
                + "watchdog:\n  mode: required\n  safety_margin: 25\n  driver: ioctl\n");
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "line 17: watchdog.driver (ioctl) is not allowed: expected default"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "line 16: watchdog.safety_margin (25s) must be less than ttl (20s)"));
  }

  @Test
  void parametersPghaSetsItselfAreWarnedAboutAndDropped() {
    SidecarConfig config = read(MINIMAL + "  parameters:\n    port: 6543\n    work_mem: 8MB\n");
    assertThat(config.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("line 12: parameter port is ignored"));
    assertThat(config.pgha().postgres().parameters())
        .containsEntry("work_mem", "8MB")
        .doesNotContainKey("port");
  }

  @Test
  void aParameterThatIsNotASingleValueIsNamed() {
    ConfigFileException e =
        problem(
            MINIMAL
                + "  parameters:\n    shared_buffers: [1, 2]\n"
                + "bootstrap:\n  dcs:\n    postgresql:\n      parameters:\n        work_mem: {a: 1}\n");
    assertThat(e.problems())
        .containsExactly(
            "line 17: bootstrap.dcs.postgresql.parameters.work_mem must be a single value, not a"
                + " mapping",
            "line 12: postgresql.parameters.shared_buffers must be a single value, not a list");
  }

  @Test
  void etcdIsRequired() {
    assertThatThrownBy(() -> read(MINIMAL.replace("etcd3:\n  hosts: 127.0.0.1:2379\n", "")))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageContaining("etcd3 is required");
  }
}
