package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.SynchronousMode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PghaConfigTest {

  @TempDir static Path tmp;

  static PghaConfig.Builder valid() {
    return PghaConfig.builder()
        .scope("pg-test")
        .name("pg-test-1")
        .etcdEndpoints("http://127.0.0.1:2379")
        .postgresDataDir(Path.of("/var/lib/pgha/data"))
        .postgresListen("127.0.0.1:5432");
  }

  @Test
  void aTtlBelowTheTimingRuleIsAcceptedWithAWarningAsPatroniAcceptsIt() {
    PghaConfig config =
        valid().ttl(seconds(10)).loopWait(seconds(2)).retryTimeout(seconds(5)).build();
    assertThat(config.timings().ttl()).isEqualTo(seconds(10));
    assertThat(config.warnings())
        .singleElement()
        .asString()
        .startsWith("ttl (10s) is below loop_wait + 2 * retry_timeout (2s + 2 * 5s = 12s)");
    assertThat(valid().build().warnings()).isEmpty();
  }

  @Test
  void recoveryConfKeepsTheRecoveryParametersAndWarnsAboutTheOthersAsPatroniDropsThem() {
    PghaConfig config =
        valid()
            .postgres(
                pg ->
                    pg.recoveryConf(
                        new java.util.TreeMap<>(
                            Map.of(
                                "restore_command", "cp /a/%f %p",
                                "recovery_min_apply_delay", "30s",
                                "primary_conninfo", "host=x",
                                "recovery_target_time", "2026-01-01",
                                "promote_trigger_file", "/tmp/go",
                                "shared_buffers", "1GB"))))
            .build();
    assertThat(config.postgres().recoveryConf())
        .containsOnly(
            Map.entry("restore_command", "cp /a/%f %p"),
            Map.entry("recovery_min_apply_delay", "30s"));
    assertThat(config.warnings())
        .hasSize(4)
        .anySatisfy(w -> assertThat(w).contains("primary_conninfo is ignored"))
        .anySatisfy(w -> assertThat(w).contains("recovery_target_time is ignored"))
        .anySatisfy(w -> assertThat(w).contains("promote_trigger_file is ignored"))
        .anySatisfy(w -> assertThat(w).contains("shared_buffers is ignored: not a recovery"));
  }

  @Test
  void connectionKeysOfPatroniAreCheckedNamingTheKey() {
    // postgresql.proxy_address: published as Patroni's proxy_url.
    assertThat(
            valid().postgres(pg -> pg.proxyAddress("10.0.0.5:6432")).build().postgres().proxyUrl())
        .hasValue("postgres://10.0.0.5:6432/postgres");
    assertThat(valid().build().postgres().proxyUrl()).isEmpty();
    // etcd.srv needs no endpoints; they only serve when the records name none.
    PghaConfig srv =
        valid()
            .etcdEndpoints(List.of())
            .etcd(e -> e.srv("etcd.example.com", "blue").dnsServer("dns://127.0.0.1:8600"))
            .build();
    assertThat(srv.etcd().endpoints()).isEmpty();
    assertThat(srv.etcd().srvIfSet().orElseThrow().suffix()).isEqualTo("blue");

    assertThatThrownBy(
            () ->
                valid()
                    .etcdEndpoints("http://root:never-shown@127.0.0.1:2379")
                    .postgres(pg -> pg.proxyAddress("0.0.0.0:6432"))
                    .etcd(e -> e.srv("bad domain", "no_underscore").dnsServer("udp://x"))
                    .restApi(api -> api.ciphers("ALL:!eNULL"))
                    .build())
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.getMessage()).doesNotContain("never-shown");
              assertThat(e.problems())
                  .contains(
                      "etcd.endpoints (http://****@127.0.0.1:2379) must not carry credentials: set"
                          + " etcd.username and etcd.password",
                      "postgresql.proxy_address (0.0.0.0:6432) must be an address clients can"
                          + " connect to, not a wildcard",
                      "etcd.srv (bad domain) must be a domain name such as example.com",
                      "etcd.srv_suffix (no_underscore) must be letters, digits and '-' (it becomes"
                          + " part of _etcd-client-<suffix>)",
                      "etcd.dns_server (udp://x) must be a URL dns://host or dns://host:port")
                  .anySatisfy(
                      p -> assertThat(p).startsWith("restapi.ciphers (ALL:!eNULL) must name"));
            });
  }

  @Test
  void defaultsMatchPatroniAndPigstyNorm() {
    PghaConfig config = valid().build();

    assertThat(config.namespace()).isEqualTo("/service");
    assertThat(config.clusterPrefix()).isEqualTo("/service/pg-test/");
    assertThat(config.preset()).isEqualTo(RtoPreset.NORM);
    assertThat(config.timings())
        .isEqualTo(
            new HaTimings(
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(25)));
    assertThat(config.maximumLagOnFailover()).isEqualTo(1_048_576L);
    assertThat(config.synchronousMode()).isFalse();
    assertThat(config.postgres().connectAddress()).isEqualTo(new HostPort("127.0.0.1", 5432));
    assertThat(config.postgres().superuser().username()).isEqualTo("postgres");
    assertThat(config.postgres().replication().username()).isEqualTo("replicator");
    assertThat(config.postgres().rewind()).isEqualTo(config.postgres().superuser());
    assertThat(config.postgres().binDirIfSet()).isEmpty();
    assertThat(config.restApi().apiUrl()).isEqualTo("http://127.0.0.1:8008/patroni");
    assertThat(config.etcd().endpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(config.etcd().credentials()).isEmpty();
    assertThat(config.etcd().usesTls()).isFalse();
    assertThat(config.tags()).isEmpty();
  }

  @Test
  void everySettingIsKept() throws IOException {
    Path ca = Files.writeString(tmp.resolve("ca.pem"), "ca");
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "cert");
    Path key = Files.writeString(tmp.resolve("key.pem"), "key");

    PghaConfig config =
        valid()
            .namespace("/pg/")
            .etcdEndpoints(List.of("https://10.0.0.1:2379", "https://10.0.0.2:2379"))
            .etcdCredentials("root", "etcd-secret")
            .etcd(e -> e.caFile(ca))
            .etcd(e -> e.clientCertificate(cert, key))
            .postgres(pg -> pg.binDir(tmp))
            .postgresListen("0.0.0.0:5432")
            .postgres(pg -> pg.connectAddress("10.0.0.1:5432"))
            .superuser("dba", "pg-secret")
            .replicationUser("repl", "repl-secret")
            .postgres(pg -> pg.rewind("rewinder", "rewind-secret"))
            .removeDataDirectoryOnRewindFailure(true)
            .postgres(pg -> pg.removeDataDirectoryOnDivergedTimelines(true))
            .restApiListen("[::]:8008")
            .restApi(api -> api.connectAddress("10.0.0.1:8008").authentication("admin", "x"))
            .tags(Map.of("nofailover", "false", "failover_priority", "2"))
            .tag("replicatefrom", "pg-test-2")
            .synchronousModeStrict(true)
            .pgRpo(0)
            .build();

    assertThat(config.namespace()).isEqualTo("/pg");
    assertThat(config.etcd().usesTls()).isTrue();
    assertThat(config.etcd().credentials()).contains(new Credentials("root", "etcd-secret"));
    assertThat(config.etcd().caFile()).isEqualTo(ca);
    assertThat(config.etcd().certFile()).isEqualTo(cert);
    assertThat(config.etcd().keyFile()).isEqualTo(key);
    assertThat(config.postgres().binDirIfSet()).contains(tmp);
    assertThat(config.postgres().connectAddress()).hasToString("10.0.0.1:5432");
    assertThat(config.postgres().rewind().username()).isEqualTo("rewinder");
    assertThat(config.postgres().rewind().passwordIfSet()).contains("rewind-secret");
    assertThat(config.postgres().removeDataDirectoryOnRewindFailure()).isTrue();
    assertThat(config.postgres().removeDataDirectoryOnDivergedTimelines()).isTrue();
    assertThat(config.restApi().listen()).hasToString("[::]:8008");
    assertThat(config.restApi().apiUrl()).isEqualTo("http://10.0.0.1:8008/patroni");
    assertThat(config.tags())
        .containsExactly(
            Map.entry("failover_priority", "2"),
            Map.entry("nofailover", "false"),
            Map.entry("replicatefrom", "pg-test-2"));
    assertThat(config.synchronousMode()).isTrue();
    assertThat(config.synchronousModeStrict()).isTrue();
    assertThat(config.maximumLagOnFailover()).isZero();
  }

  @Test
  void initialDynamicConfigCarriesPresetAndRpo() {
    DynamicConfig rapid =
        valid().preset(RtoPreset.RAPID).pgRpo(65_536).build().initialDynamicConfig();

    assertThat(rapid.ttl()).isEqualTo(5);
    assertThat(rapid.loopWait()).isEqualTo(1);
    assertThat(rapid.retryTimeout()).isEqualTo(2);
    assertThat(rapid.primaryStartTimeout()).isEqualTo(5);
    assertThat(rapid.maximumLagOnFailover()).isEqualTo(65_536);
    assertThat(rapid.synchronousMode()).isEqualTo(SynchronousMode.OFF);
    assertThat(rapid.usePgRewind()).isTrue();
    assertThat(rapid.useSlots()).isTrue();

    DynamicConfig zeroLoss =
        valid().pgRpo(0).synchronousModeStrict(true).build().initialDynamicConfig();
    assertThat(zeroLoss.synchronousMode()).isEqualTo(SynchronousMode.ON);
    assertThat(zeroLoss.synchronousModeStrict()).isTrue();
  }

  @Test
  void passwordsNeverAppearInToString() {
    PghaConfig config =
        valid()
            .etcdCredentials("root", "etcd-secret")
            .superuser("postgres", "pg-secret")
            .replicationUser("replicator", "repl-secret")
            .build();

    assertThat(config.toString())
        .contains("root", "replicator", "****")
        .doesNotContain("etcd-secret", "pg-secret", "repl-secret");
    assertThat(new Credentials("u", null).toString()).contains("<none>");
  }

  @Test
  void bootstrapUsersAndPostBootstrapAreKeptAndThePasswordsMasked() {
    PghaConfig config =
        valid()
            .bootstrapUser("app", "app-secret", List.of("createdb", "connection limit 5"))
            .bootstrapUser("reader", null, List.of("nologin"))
            .postBootstrap(List.of("/bin/setup", "--fast"), Duration.ofSeconds(90))
            .build();
    AfterBootstrap after = config.afterBootstrap();
    assertThat(after.script()).containsExactly("/bin/setup", "--fast");
    assertThat(after.scriptTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(after.users()).hasSize(2);
    assertThat(after.users().get(0).roleOptions()).isEqualTo("CREATEDB CONNECTION LIMIT 5 LOGIN");
    assertThat(after.users().get(1).roleOptions()).isEqualTo("NOLOGIN");
    assertThat(after.toString()).doesNotContain("app-secret");
    assertThat(valid().build().afterBootstrap()).isEqualTo(AfterBootstrap.NONE);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        bad(
            "bootstrap user option that is SQL",
            b -> b.bootstrapUser("app", "x", List.of("createdb; drop table t")),
            "bootstrap.users.app.options (CREATEDB; DROP TABLE T) must be a role attribute"),
        bad(
            "bootstrap user with a blank name",
            b -> b.bootstrapUser(" ", "x", List.of()),
            "bootstrap.users ( ) must be non-blank role names"),
        bad(
            "post_bootstrap without a time limit",
            b -> b.postBootstrap(List.of("/bin/true"), Duration.ZERO),
            "bootstrap.post_bootstrap timeout (PT0S) must be a positive duration"),
        bad("scope missing", b -> b.scope(null), "scope is required"),
        bad("scope blank", b -> b.scope(" "), "scope is required"),
        bad(
            "scope with slash",
            b -> b.scope("a/b"),
            "scope (a/b) must contain only letters, digits, '.', '_' and '-'"),
        bad("name missing", b -> b.name(null), "name is required"),
        bad(
            "name with space",
            b -> b.name("pg 1"),
            "name (pg 1) must contain only letters, digits, '.', '_' and '-'"),
        bad("namespace relative", b -> b.namespace("service"), "namespace (service) must start"),
        bad("namespace null", b -> b.namespace(null), "namespace (null) must start"),
        bad("no etcd endpoint", b -> b.etcdEndpoints(List.of()), "etcd.endpoints is required"),
        bad(
            "etcd endpoint without scheme",
            b -> b.etcdEndpoints("127.0.0.1:2379"),
            "etcd.endpoints (127.0.0.1:2379) must be a URL http://host:port or https://host:port"),
        bad(
            "etcd endpoint without port",
            b -> b.etcdEndpoints("http://127.0.0.1"),
            "etcd.endpoints (http://127.0.0.1) must be a URL"),
        bad(
            "etcd endpoint with a path",
            b -> b.etcdEndpoints("http://127.0.0.1:2379/v3"),
            "etcd.endpoints (http://127.0.0.1:2379/v3) must be a URL"),
        bad(
            "etcd endpoint unparseable",
            b -> b.etcdEndpoints("http://bad host:2379"),
            "etcd.endpoints (http://bad host:2379) must be a URL"),
        bad(
            "etcd schemes mixed",
            b -> b.etcdEndpoints("http://a:2379", "https://b:2379"),
            "must all use the same scheme"),
        bad(
            "etcd user without password",
            b -> b.etcdCredentials("root", null),
            "etcd.username (root) requires etcd.password"),
        bad(
            "etcd password without user",
            b -> b.etcdCredentials(null, "secret"),
            "etcd.password (set) requires etcd.username"),
        bad(
            "etcd CA missing",
            b ->
                b.etcdEndpoints("https://127.0.0.1:2379")
                    .etcd(e -> e.caFile(Path.of("/nonexistent/ca.pem"))),
            "etcd.cacert (/nonexistent/ca.pem) must be a readable file"),
        bad(
            "etcd cert without key",
            b ->
                b.etcdEndpoints("https://127.0.0.1:2379")
                    .etcd(e -> e.clientCertificate(Path.of("/etc/passwd"), null)),
            "etcd.cert (/etc/passwd) requires etcd.key"),
        bad(
            "etcd key missing",
            b ->
                b.etcdEndpoints("https://127.0.0.1:2379")
                    .etcd(
                        e ->
                            e.clientCertificate(
                                Path.of("/etc/passwd"), Path.of("/nonexistent/k.pem"))),
            "etcd.key (/nonexistent/k.pem) must be a readable file"),
        bad(
            "etcd key without cert",
            b -> b.etcd(e -> e.clientCertificate(null, Path.of("/etc/passwd"))),
            "etcd.key (set) requires etcd.cert"),
        bad(
            "basebackup option pgha passes",
            b -> b.postgres(pg -> pg.basebackupOptions(List.of("--wal-method=fetch"))),
            "postgresql.basebackup (--wal-method=fetch) must not be one of"),
        bad(
            "basebackup option not a long option",
            b -> b.postgres(pg -> pg.basebackupOptions(List.of("max-rate=1M"))),
            "postgresql.basebackup (max-rate=1M) must be long pg_basebackup options"),
        bad(
            "recovery_min_apply_delay not a duration",
            b -> b.postgres(pg -> pg.recoveryConf(Map.of("recovery_min_apply_delay", "1 week"))),
            "postgresql.recovery_conf.recovery_min_apply_delay (1 week) must be a whole number"),
        bad(
            "restore_command on two lines",
            b -> b.postgres(pg -> pg.recoveryConf(Map.of("restore_command", "cp\nrm"))),
            "postgresql.recovery_conf.restore_command (cp?rm) must be one line"),
        bad(
            "pg_ident line break",
            b -> b.postgres(pg -> pg.pgIdent(List.of("a\nb"))),
            "postgresql.pg_ident (a\nb) must be one non-blank line each"),
        bad(
            "custom_conf blank",
            b -> b.postgres(pg -> pg.customConf(Path.of(" "))),
            "postgresql.custom_conf ( ) must be a file path on one line"),
        bad("data dir missing", b -> b.postgresDataDir(null), "postgresql.data_dir is required"),
        bad(
            "data dir relative",
            b -> b.postgresDataDir(Path.of("data")),
            "postgresql.data_dir (data) must be an absolute path"),
        bad(
            "bin dir missing",
            b -> b.postgres(pg -> pg.binDir(Path.of("/nonexistent/bin"))),
            "postgresql.bin_dir (/nonexistent/bin) must be an existing directory"),
        bad(
            "listen missing",
            b -> b.postgresListen(null),
            "postgresql.listen is required (host:port)"),
        bad(
            "listen without port",
            b -> b.postgresListen("localhost"),
            "postgresql.listen (localhost) must be host:port with a port from 1 to 65535"),
        bad(
            "listen port not a number",
            b -> b.postgresListen("localhost:pg"),
            "postgresql.listen (localhost:pg) must be host:port"),
        bad(
            "listen port out of range",
            b -> b.postgresListen("localhost:70000"),
            "postgresql.listen (localhost:70000) must be host:port with a port from 1 to 65535"),
        bad(
            "wildcard listen without connect address",
            b -> b.postgresListen("0.0.0.0:5432"),
            "postgresql.connect_address is required because postgresql.listen (0.0.0.0:5432) is a"
                + " wildcard address"),
        bad(
            "bad connect address",
            b -> b.postgres(pg -> pg.connectAddress(":5432")),
            "postgresql.connect_address (:5432) must be host:port"),
        bad(
            "wildcard api listen",
            b -> b.restApiListen("*:8008").restApi(a -> a.authentication("admin", "x")),
            "restapi.connect_address is required because restapi.listen (*:8008)"),
        bad(
            "api listen missing",
            b -> b.restApiListen(null),
            "restapi.listen is required (host:port)"),
        bad(
            "blank superuser",
            b -> b.superuser(" ", "x"),
            "postgresql.authentication.superuser.username must not be blank"),
        bad(
            "blank replication user",
            b -> b.replicationUser("", null),
            "postgresql.authentication.replication.username must not be blank"),
        bad(
            "blank rewind user",
            b -> b.postgres(pg -> pg.rewind("", null)),
            "postgresql.authentication.rewind.username must not be blank"),
        bad(
            "nofailover not boolean",
            b -> b.tag("nofailover", "yes"),
            "tags.nofailover (yes) must be true or false"),
        bad(
            "failover_priority negative",
            b -> b.tag("failover_priority", "-1"),
            "tags.failover_priority (-1) must be an integer of 0 or more"),
        bad(
            "sync_priority not a number",
            b -> b.tag("sync_priority", ""),
            "tags.sync_priority () must be an integer of 0 or more"),
        bad(
            "replicatefrom not a name",
            b -> b.tag("replicatefrom", "a b"),
            "tags.replicatefrom (a b) must be a member name"),
        bad(
            "nofailover with priority",
            b -> b.tag("nofailover", "true").tag("failover_priority", "3"),
            "tags.failover_priority (3) contradicts tags.nofailover (true)"),
        bad("pg_rto zero", b -> b.pgRto(0), "pg_rto (0) must be at least 1 second"),
        bad("pg_rpo negative", b -> b.pgRpo(-1), "pg_rpo (-1) must be 0 (synchronous)"),
        bad(
            "strict without synchronous",
            b -> b.synchronousModeStrict(true),
            "synchronous_mode_strict (true) requires pg_rpo 0 (synchronous replication), not"
                + " 1048576"),
        bad(
            "ttl below etcd minimum",
            b -> b.ttl(seconds(1)),
            "ttl (1s) must be at least 2s (etcd's shortest lease)"),
        bad(
            "ttl fractional",
            b -> b.ttl(Duration.ofMillis(2500)),
            "ttl (2500ms) must be a whole number of seconds"),
        bad("loop_wait zero", b -> b.loopWait(Duration.ZERO), "loop_wait (0s) must be at least 1s"),
        bad(
            "retry_timeout zero",
            b -> b.retryTimeout(Duration.ZERO),
            "retry_timeout (0s) must be at least 1s"),
        bad("ttl absurd", b -> b.ttl(seconds(30000)), "ttl (30000s) must be at most 3600s"),
        bad(
            "primary_start_timeout negative",
            b -> b.primaryStartTimeout(seconds(-1)),
            "primary_start_timeout (-1s) must be at least 0s"),
        bad(
            "fast takeover asked for in asynchronous mode",
            b -> b.fastTakeover(true),
            "fast_takeover (true) requires synchronous_mode true (priority), not false"),
        bad(
            "leader silence as long as the lease",
            b ->
                b.pgRpo(0)
                    .ttl(seconds(10))
                    .loopWait(seconds(2))
                    .retryTimeout(seconds(4))
                    .leaderSilenceTimeout(seconds(8)),
            "leader_silence_timeout (8s) must be at least 1s and less than ttl - loop_wait (10s -"
                + " 2s = 8s)"),
        bad(
            "leader silence fractional",
            b -> b.pgRpo(0).leaderSilenceTimeout(Duration.ofMillis(1500)),
            "leader_silence_timeout (1500ms) must be a whole number of seconds"));
  }

  @Test
  void fastTakeoverIsOnByDefaultInSynchronousModeAndSimplyOffElsewhere() {
    DynamicConfig sync = valid().pgRpo(0).build().initialDynamicConfig();
    assertThat(sync.fastTakeover()).isEmpty();
    assertThat(sync.fastTakeoverEnabled()).isTrue();
    assertThat(sync.leaderSilenceTimeout()).isEqualTo(2);

    assertThat(valid().build().initialDynamicConfig().fastTakeoverEnabled()).isFalse();
    // A timing too short for the default silence just leaves the fast path off.
    DynamicConfig tight =
        valid()
            .pgRpo(0)
            .ttl(seconds(3))
            .loopWait(seconds(1))
            .retryTimeout(seconds(1))
            .build()
            .initialDynamicConfig();
    assertThat(tight.fastTakeoverEnabled()).isFalse();
    DynamicConfig off = valid().pgRpo(0).fastTakeover(false).build().initialDynamicConfig();
    assertThat(off.fastTakeover()).contains(false);
    assertThat(off.fastTakeoverEnabled()).isFalse();
  }

  static Arguments bad(String name, UnaryOperator<PghaConfig.Builder> change, String msg) {
    return Arguments.of(name, change, msg);
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void eachRuleNamesKeyValueAndRule(
      String name, UnaryOperator<PghaConfig.Builder> change, String expected) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .singleElement()
                    .asString()
                    .contains(expected));
  }

  @Test
  void allProblemsAreReportedAtOnce() {
    PghaConfig.Builder builder =
        PghaConfig.builder().etcdCredentials("root", null).ttl(Duration.ofSeconds(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("invalid pgha configuration (7 problems):")
        .hasMessageContaining("scope is required")
        .hasMessageContaining("name is required")
        .hasMessageContaining("etcd.endpoints is required")
        .hasMessageContaining("etcd.username (root) requires etcd.password")
        .hasMessageContaining("postgresql.data_dir is required")
        .hasMessageContaining("postgresql.listen is required")
        .hasMessageContaining("ttl (1s) must be at least 2s");
  }

  @Test
  void oneProblemIsSingular() {
    assertThatThrownBy(() -> valid().scope(null).build())
        .hasMessageStartingWith("invalid pgha configuration (1 problem):");
  }

  @Test
  void secretsAreNeverInProblems() {
    assertThatThrownBy(() -> valid().etcdCredentials(null, "etcd-secret").build())
        .hasMessageNotContaining("etcd-secret");
  }

  @Test
  void explicitTimingsOverrideThePreset() {
    PghaConfig config =
        valid()
            .preset(RtoPreset.SAFE)
            .ttl(seconds(70))
            .loopWait(seconds(10))
            .retryTimeout(seconds(20))
            .primaryStartTimeout(seconds(0))
            .build();

    assertThat(config.preset()).isEqualTo(RtoPreset.SAFE);
    assertThat(config.timings())
        .isEqualTo(new HaTimings(seconds(70), seconds(10), seconds(20), Duration.ZERO));
  }

  @Test
  void timingRuleAllowsEquality() {
    PghaConfig config =
        valid().ttl(seconds(30)).loopWait(seconds(10)).retryTimeout(seconds(10)).build();

    assertThat(config.timings().satisfiesTimingRule()).isTrue();
  }

  @Test
  void pgRtoPicksTheClosestPresetAndPresetReplacesIt() {
    assertThat(valid().pgRto(18).build().preset()).isEqualTo(RtoPreset.FAST);
    assertThat(valid().pgRto(18).preset(RtoPreset.WIDE).build().preset()).isEqualTo(RtoPreset.WIDE);
  }
}
