package io.pgha.spring.boot.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pgha.core.config.AfterBootstrap;
import io.pgha.core.config.ConnectionSecurity;
import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.PostgresSettings;
import io.pgha.core.config.RestApiSettings;
import io.pgha.core.config.RtoPreset;
import io.pgha.core.config.StandbyCluster;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.RoleNames;
import io.pgha.patroni.SynchronousMode;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import io.pgha.spring.boot.PghaDataSourceProperties;
import io.pgha.spring.boot.PghaEtcdProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every {@code pgha.agent.*} property reaches the agent's {@link PghaConfig} through Spring's
 * binding and the auto-configuration's factory, and a bad value stops the start with "property
 * (value) rule" under the property's own name, never showing a password. No server is contacted.
 */
class AgentPropertiesBindingTest {

  /** The auto-configuration's PghaConfig bean, without the agent it would start. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({
    PghaAgentProperties.class,
    PghaEtcdProperties.class,
    PghaDataSourceProperties.class
  })
  static class AgentConfigOnly {
    @Bean
    PghaConfig pghaAgentConfig(
        PghaAgentProperties agent, PghaEtcdProperties etcd, PghaDataSourceProperties ds) {
      return new PghaAgentAutoConfiguration().pghaAgentConfig(agent, etcd, ds);
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withUserConfiguration(AgentConfigOnly.class)
          .withPropertyValues(
              "pgha.etcd.endpoints=http://127.0.0.1:2379",
              "pgha.etcd.scope=pg",
              "pgha.agent.name=pg1",
              "pgha.agent.data-dir=/var/lib/postgresql/data",
              "pgha.agent.postgres-listen=127.0.0.1:5432");

  @TempDir Path dir;

  private PghaConfig bind(String... properties) {
    AtomicReference<PghaConfig> config = new AtomicReference<>();
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              config.set(context.getBean(PghaConfig.class));
            });
    return config.get();
  }

  /** The message of the InvalidPghaPropertyException the start failed with. */
  private String failure(String... properties) {
    AtomicReference<String> message = new AtomicReference<>();
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable t = context.getStartupFailure();
              while (t != null && !(t instanceof InvalidPghaPropertyException)) {
                t = t.getCause();
              }
              assertThat(t).as("an InvalidPghaPropertyException").isNotNull();
              message.set(t.getMessage());
            });
    return message.get();
  }

  private Path file(String name) throws IOException {
    return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n");
  }

  // ---- timings and failover ----

  @Test
  void timingAndFailoverProperties() {
    PghaConfig c =
        bind(
            "pgha.agent.pg-rto=10",
            "pgha.agent.primary-start-timeout=20",
            "pgha.agent.maximum-lag-on-failover=0",
            "pgha.agent.synchronous-mode-strict=true",
            "pgha.agent.failsafe-mode=true",
            "pgha.agent.fast-takeover=true",
            "pgha.agent.leader-silence-timeout=3s",
            "pgha.agent.primary-role-name=master",
            "pgha.agent.remove-data-directory-on-rewind-failure=true");
    assertThat(c.preset()).isEqualTo(RtoPreset.closestTo(10));
    assertThat(c.timings().primaryStartTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.synchronousModeStrict()).isTrue();
    assertThat(c.failsafeMode()).isTrue();
    assertThat(c.fastTakeover()).contains(true);
    assertThat(c.leaderSilenceTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.roleNames()).isEqualTo(RoleNames.PATRONI_3);
    assertThat(c.postgres().removeDataDirectoryOnRewindFailure()).isTrue();
    DynamicConfig initial = c.initialDynamicConfig();
    assertThat(initial.failsafeMode()).isTrue();
    assertThat(initial.synchronousModeStrict()).isTrue();
    assertThat(initial.primaryStartTimeout()).isEqualTo(20);
  }

  @Test
  void theDefaultsAreCoresDefaults() {
    PghaConfig c = bind();
    PghaConfig core =
        PghaConfig.builder()
            .scope("pg")
            .name("pg1")
            .etcdEndpoints("http://127.0.0.1:2379")
            .postgresDataDir(Path.of("/var/lib/postgresql/data"))
            .postgresListen("127.0.0.1:5432")
            .build();
    assertThat(c.roleNames()).isEqualTo(core.roleNames());
    assertThat(c.fencing()).isEqualTo(core.fencing());
    assertThat(c.afterBootstrap()).isEqualTo(core.afterBootstrap());
    assertThat(c.initialDynamicConfig()).isEqualTo(core.initialDynamicConfig());
    assertThat(c.postgres().createReplicaTimeout())
        .isEqualTo(PostgresSettings.DEFAULT_CREATE_REPLICA_TIMEOUT);
    assertThat(c.postgres().initdbOptions()).isEqualTo(PostgresSettings.DEFAULT_INITDB_OPTIONS);
    assertThat(c.postgres().pgHba()).isEqualTo(core.postgres().pgHba());
    assertThat(c.postgres().useSlots()).isTrue();
    assertThat(c.restApi()).isEqualTo(core.restApi());
  }

  @Test
  void badTimingAndFailoverValuesNameTheProperty() {
    assertThat(failure("pgha.agent.pg-rto=1500ms"))
        .isEqualTo("pgha.agent.pg-rto (1500ms) must be a whole number of seconds");
    assertThat(failure("pgha.agent.pg-rto=0"))
        .isEqualTo("pgha.agent.pg-rto (0s) must be 1s or more");
    assertThat(failure("pgha.agent.primary-start-timeout=1500ms"))
        .isEqualTo("pgha.agent.primary-start-timeout (1500ms) must be a whole number of seconds");
    assertThat(failure("pgha.agent.synchronous-mode-strict=true"))
        .startsWith("pgha.agent.synchronous-mode-strict (true) requires pg_rpo 0");
    assertThat(failure("pgha.agent.fast-takeover=true"))
        .startsWith("pgha.agent.fast-takeover (true) requires synchronous_mode true");
    assertThat(
            failure("pgha.agent.maximum-lag-on-failover=0", "pgha.agent.leader-silence-timeout=60"))
        .startsWith("pgha.agent.leader-silence-timeout (60s) must be at least 1s and less than");
    assertThat(failure("pgha.agent.primary-role-name=leader"))
        .isEqualTo("pgha.agent.primary-role-name (leader) must be primary or master");
  }

  // ---- fencing ----

  @Test
  void prePromoteAndWatchdog() {
    FencingSettings f =
        bind(
                "pgha.agent.pre-promote=/usr/local/bin/fence,--old-primary",
                "pgha.agent.pre-promote-timeout=5s",
                "pgha.agent.watchdog.mode=required",
                "pgha.agent.watchdog.device=/dev/watchdog1",
                "pgha.agent.watchdog.safety-margin=3",
                "pgha.agent.watchdog.driver=testing")
            .fencing();
    assertThat(f.prePromote()).containsExactly("/usr/local/bin/fence", "--old-primary");
    assertThat(f.prePromoteTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(f.watchdogMode()).isEqualTo(WatchdogMode.REQUIRED);
    assertThat(f.watchdogDevice()).isEqualTo(Path.of("/dev/watchdog1"));
    assertThat(f.watchdogSafetyMargin()).isEqualTo(Duration.ofSeconds(3));
    assertThat(f.watchdogDriver()).isEqualTo(WatchdogDriver.TESTING);
  }

  @Test
  void badFencingValuesNameTheProperty() {
    assertThat(failure("pgha.agent.pre-promote=/bin/fence", "pgha.agent.pre-promote-timeout=0s"))
        .isEqualTo("pgha.agent.pre-promote-timeout (0ms) must be positive");
    assertThat(
            failure(
                "pgha.agent.watchdog.mode=automatic",
                "pgha.agent.ttl=30s",
                "pgha.agent.watchdog.safety-margin=30"))
        .startsWith("pgha.agent.watchdog.safety-margin (30s) must be less than ttl (30s)");
  }

  // ---- bootstrap ----

  @Test
  void bootstrapScriptUsersAndDynamicConfiguration() {
    PghaConfig c =
        bind(
            "pgha.agent.bootstrap.post-bootstrap=/usr/local/bin/setup,two words",
            "pgha.agent.bootstrap.post-bootstrap-timeout=30s",
            "pgha.agent.bootstrap.users.app.password=app-secret",
            "pgha.agent.bootstrap.users.app.options=createdb,connection limit 5",
            "pgha.agent.bootstrap.users[Reader_1].options=nologin",
            "pgha.agent.bootstrap.dcs.synchronous-mode=quorum",
            "pgha.agent.bootstrap.dcs.synchronous-node-count=2",
            "pgha.agent.bootstrap.dcs.maximum-lag-on-syncnode=-1",
            "pgha.agent.bootstrap.dcs.check-timeline=true",
            "pgha.agent.bootstrap.dcs.primary-stop-timeout=15",
            "pgha.agent.bootstrap.dcs.max-timelines-history=50",
            "pgha.agent.bootstrap.dcs.drain-timeout=7s",
            "pgha.agent.bootstrap.dcs.use-pg-rewind=false",
            "pgha.agent.bootstrap.dcs.use-slots=false",
            "pgha.agent.bootstrap.dcs.parameters.max_connections=200");
    AfterBootstrap after = c.afterBootstrap();
    assertThat(after.script()).containsExactly("/usr/local/bin/setup", "two words");
    assertThat(after.scriptTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(after.users())
        .extracting(
            u -> u.credentials().username(), u -> u.credentials().password(), u -> u.roleOptions())
        .containsExactly(
            tuple("app", "app-secret", "CREATEDB CONNECTION LIMIT 5 LOGIN"),
            tuple("Reader_1", null, "NOLOGIN"));
    DynamicConfig d = c.initialDynamicConfig();
    assertThat(d.synchronousMode()).isEqualTo(SynchronousMode.QUORUM);
    assertThat(d.synchronousNodeCount()).isEqualTo(2);
    assertThat(d.maximumLagOnSyncnode()).isEqualTo(-1);
    assertThat(d.checkTimeline()).isTrue();
    assertThat(d.primaryStopTimeout()).isEqualTo(15);
    assertThat(d.maxTimelinesHistory()).isEqualTo(50);
    assertThat(d.drainTimeout()).isEqualTo(7);
    assertThat(d.usePgRewind()).isFalse();
    assertThat(d.useSlots()).isFalse();
    assertThat(c.postgres().useSlots()).isFalse();
    assertThat(d.parameters()).containsEntry("max_connections", "200");
  }

  @Test
  void standbyCluster() {
    DynamicConfig d =
        bind(
                "pgha.agent.standby-cluster.host=10.0.1.5",
                "pgha.agent.standby-cluster.port=5433",
                "pgha.agent.standby-cluster.primary-slot-name=dr_site",
                "pgha.agent.standby-cluster.create-replica-methods=basebackup",
                "pgha.agent.standby-cluster.restore-command=cp /archive/%f %p",
                "pgha.agent.standby-cluster.archive-cleanup-command=true",
                "pgha.agent.standby-cluster.recovery-min-apply-delay=1h")
            .initialDynamicConfig();
    assertThat(d.isStandbyCluster()).isTrue();
    assertThat(d.extra().get(StandbyCluster.KEY))
        .isEqualTo(
            Map.of(
                "host", "10.0.1.5",
                "port", 5433,
                "primary_slot_name", "dr_site",
                "create_replica_methods", List.of("basebackup"),
                "restore_command", "cp /archive/%f %p",
                "archive_cleanup_command", "true",
                "recovery_min_apply_delay", "1h"));
    assertThat(bind().initialDynamicConfig().isStandbyCluster()).isFalse();
  }

  @Test
  void badBootstrapValuesNameThePropertyAndNeverThePassword() {
    String option =
        failure(
            "pgha.agent.bootstrap.users.app.password=app-secret",
            "pgha.agent.bootstrap.users.app.options=createdb; drop table x");
    assertThat(option)
        .startsWith(
            "pgha.agent.bootstrap.users.app.options (CREATEDB; DROP TABLE X) must be a role"
                + " attribute")
        .doesNotContain("app-secret");
    assertThat(failure("pgha.agent.bootstrap.post-bootstrap-timeout=0s"))
        .isEqualTo("pgha.agent.bootstrap.post-bootstrap-timeout (PT0S) must be positive");
    assertThat(failure("pgha.agent.bootstrap.dcs.synchronous-node-count=0"))
        .isEqualTo("pgha.agent.bootstrap.dcs.synchronous-node-count (0) must be 1 or more");
    assertThat(failure("pgha.agent.bootstrap.dcs.maximum-lag-on-syncnode=-2"))
        .isEqualTo("pgha.agent.bootstrap.dcs.maximum-lag-on-syncnode (-2) must be -1 or more");
    assertThat(failure("pgha.agent.bootstrap.dcs.primary-stop-timeout=500ms"))
        .isEqualTo(
            "pgha.agent.bootstrap.dcs.primary-stop-timeout (500ms) must be a whole number of"
                + " seconds");
    assertThat(failure("pgha.agent.bootstrap.dcs.max-timelines-history=-1"))
        .isEqualTo("pgha.agent.bootstrap.dcs.max-timelines-history (-1) must be 0 or more");
    assertThat(failure("pgha.agent.bootstrap.dcs.drain-timeout=61"))
        .isEqualTo("pgha.agent.bootstrap.dcs.drain-timeout (61s) must be from 0s to 60s");
    assertThat(failure("pgha.agent.bootstrap.dcs.primary-stop-timeout=2d"))
        .isEqualTo(
            "pgha.agent.bootstrap.dcs.primary-stop-timeout (172800s) must be from 0s to 86400s");
    assertThat(
            failure(
                "pgha.agent.standby-cluster.host=10.0.1.5",
                "pgha.agent.standby-cluster.primary-slot-name=DR-Site"))
        .startsWith("pgha.agent.standby-cluster.primary-slot-name (DR-Site) must be lower-case");
  }

  // ---- postgresql ----

  @Test
  void postgresProperties() throws IOException {
    Path ca = file("ca.pem");
    Path cert = file("client.pem");
    Path key = file("client.key");
    PostgresSettings pg =
        bind(
                "pgha.agent.postgres-proxy-address=10.0.0.1:6432",
                "pgha.agent.rewind-username=rewinder",
                "pgha.agent.rewind-password=rewind-secret",
                "pgha.agent.superuser-tls.sslmode=verify-full",
                "pgha.agent.superuser-tls.sslrootcert=" + ca,
                "pgha.agent.replication-tls.sslmode=require",
                "pgha.agent.replication-tls.sslcert=" + cert,
                "pgha.agent.replication-tls.sslkey=" + key,
                "pgha.agent.replication-tls.sslcrldir=" + dir,
                "pgha.agent.replication-tls.gssencmode=disable",
                "pgha.agent.replication-tls.channel-binding=require",
                "pgha.agent.rewind-tls.require-auth=scram-sha-256",
                "pgha.agent.rewind-tls.sslcrl=" + ca,
                "pgha.agent.remove-data-directory-on-diverged-timelines=true",
                "pgha.agent.pg-hba=host all all 0.0.0.0/0 scram-sha-256,"
                    + "host replication replicator 10.0.0.0/8 scram-sha-256",
                "pgha.agent.pg-ident=map1 alice postgres",
                "pgha.agent.initdb-options=--data-checksums,--locale=C",
                "pgha.agent.socket-directory=/run/postgresql",
                "pgha.agent.log-file=/var/log/postgresql/pg1.log",
                "pgha.agent.create-replica-timeout=2h",
                "pgha.agent.basebackup-options=--max-rate=100M",
                "pgha.agent.recovery-conf[restore_command]=cp /archive/%f %p",
                "pgha.agent.custom-conf=custom.conf")
            .postgres();
    assertThat(pg.proxyAddress()).hasToString("10.0.0.1:6432");
    assertThat(pg.rewind().username()).isEqualTo("rewinder");
    assertThat(pg.rewind().password()).isEqualTo("rewind-secret");
    assertThat(pg.superuserSecurity().sslMode()).isEqualTo("verify-full");
    assertThat(pg.superuserSecurity().sslRootCert()).isEqualTo(ca);
    ConnectionSecurity repl = pg.replicationSecurity();
    assertThat(List.of(repl.sslMode(), repl.gssEncMode(), repl.channelBinding()))
        .containsExactly("require", "disable", "require");
    assertThat(List.of(repl.sslCert(), repl.sslKey(), repl.sslCrlDir()))
        .containsExactly(cert, key, dir);
    assertThat(pg.rewindSecurity().requireAuth()).isEqualTo("scram-sha-256");
    assertThat(pg.rewindSecurity().sslCrl()).isEqualTo(ca);
    assertThat(pg.removeDataDirectoryOnDivergedTimelines()).isTrue();
    assertThat(pg.pgHbaExact()).isTrue();
    assertThat(pg.pgHba())
        .containsExactly(
            "host all all 0.0.0.0/0 scram-sha-256",
            "host replication replicator 10.0.0.0/8 scram-sha-256");
    assertThat(pg.pgIdent()).containsExactly("map1 alice postgres");
    assertThat(pg.initdbOptions()).containsExactly("--data-checksums", "--locale=C");
    assertThat(pg.socketDirectory()).isEqualTo(Path.of("/run/postgresql"));
    assertThat(pg.logFile()).isEqualTo(Path.of("/var/log/postgresql/pg1.log"));
    assertThat(pg.createReplicaTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(pg.basebackupOptions()).containsExactly("--max-rate=100M");
    assertThat(pg.recoveryConf()).containsEntry("restore_command", "cp /archive/%f %p");
    assertThat(pg.customConf()).isEqualTo(Path.of("custom.conf"));
  }

  @Test
  void badPostgresValuesNameThePropertyAndNeverThePassword() {
    assertThat(failure("pgha.agent.postgres-proxy-address=0.0.0.0:6432"))
        .startsWith("pgha.agent.postgres-proxy-address (0.0.0.0:6432) must be an address clients");
    assertThat(failure("pgha.agent.rewind-password=rewind-secret"))
        .isEqualTo(
            "pgha.agent.rewind-username ((not set)) is required with pgha.agent.rewind-password")
        .doesNotContain("rewind-secret");
    assertThat(
            failure(
                "pgha.agent.rewind-username=rewinder",
                "pgha.agent.rewind-password=rewind-secret",
                "pgha.agent.replication-tls.sslmode=sometimes"))
        .startsWith("pgha.agent.replication-tls.sslmode (sometimes) must be one of")
        .doesNotContain("rewind-secret");
    assertThat(failure("pgha.agent.superuser-tls.channel-binding=always"))
        .startsWith("pgha.agent.superuser-tls.channel-binding (always) must be one of");
    assertThat(failure("pgha.agent.rewind-tls.sslrootcert=" + dir.resolve("missing.pem")))
        .startsWith("pgha.agent.rewind-tls.sslrootcert (" + dir.resolve("missing.pem"));
    assertThat(
            failure(
                "pgha.agent.pg-hba[0]=host all all ::1/128 trust",
                "pgha.agent.pg-hba[1]=local all all trust\nhost all all 0.0.0.0/0 trust"))
        .startsWith("pgha.agent.pg-hba (local all all trust")
        .endsWith("must be one non-blank line each");
    assertThat(failure("pgha.agent.initdb-options=--pgdata=/elsewhere"))
        .startsWith("pgha.agent.initdb-options (--pgdata=/elsewhere)");
    assertThat(failure("pgha.agent.socket-directory=run/postgresql"))
        .startsWith("pgha.agent.socket-directory (run/postgresql)");
    assertThat(failure("pgha.agent.log-file=pg.log")).startsWith("pgha.agent.log-file (pg.log)");
    assertThat(failure("pgha.agent.create-replica-timeout=0s"))
        .startsWith("pgha.agent.create-replica-timeout (");
    assertThat(failure("pgha.agent.basebackup-options=--pgdata=/elsewhere"))
        .startsWith("pgha.agent.basebackup-options (--pgdata=/elsewhere)");
    assertThat(failure("pgha.agent.pg-ident=one\ntwo")).startsWith("pgha.agent.pg-ident (one");
  }

  // ---- rest api ----

  @Test
  void restApiProperties() {
    RestApiSettings api =
        bind(
                "pgha.agent.rest-api.ciphers=ECDHE-RSA-AES128-GCM-SHA256",
                "pgha.agent.rest-api.http-extra-headers[X-Frame-Options]=DENY",
                "pgha.agent.rest-api.https-extra-headers[Strict-Transport-Security]=max-age=31536000",
                "pgha.agent.rest-api.allowlist-include-members=true")
            .restApi();
    assertThat(api.cipherSuites()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(api.httpExtraHeaders()).containsEntry("X-Frame-Options", "DENY");
    assertThat(api.httpsExtraHeaders())
        .containsEntry("Strict-Transport-Security", "max-age=31536000");
    assertThat(api.allowlistIncludeMembers()).isTrue();
    assertThat(failure("pgha.agent.rest-api.ciphers=HIGH"))
        .startsWith("pgha.agent.rest-api.ciphers (HIGH)");
  }

  // ---- configuration metadata ----

  @Test
  void theGeneratedMetadataDescribesEveryNewProperty() throws IOException {
    String metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(metadata);
    Map<String, String> descriptions = new java.util.HashMap<>();
    json.get("properties")
        .forEach(
            p ->
                descriptions.put(
                    p.get("name").asString(),
                    p.has("description") ? p.get("description").asString() : ""));
    List<String> expected = new ArrayList<>();
    Stream.of(
            "pg-rto",
            "primary-start-timeout",
            "synchronous-mode-strict",
            "failsafe-mode",
            "fast-takeover",
            "leader-silence-timeout",
            "primary-role-name",
            "remove-data-directory-on-rewind-failure",
            "remove-data-directory-on-diverged-timelines",
            "pre-promote",
            "pre-promote-timeout",
            "watchdog.mode",
            "watchdog.device",
            "watchdog.safety-margin",
            "watchdog.driver",
            "standby-cluster.host",
            "standby-cluster.port",
            "standby-cluster.primary-slot-name",
            "standby-cluster.create-replica-methods",
            "standby-cluster.restore-command",
            "standby-cluster.archive-cleanup-command",
            "standby-cluster.recovery-min-apply-delay",
            "bootstrap.post-bootstrap",
            "bootstrap.post-bootstrap-timeout",
            "bootstrap.users",
            "bootstrap.dcs.synchronous-mode",
            "bootstrap.dcs.synchronous-node-count",
            "bootstrap.dcs.maximum-lag-on-syncnode",
            "bootstrap.dcs.check-timeline",
            "bootstrap.dcs.primary-stop-timeout",
            "bootstrap.dcs.max-timelines-history",
            "bootstrap.dcs.drain-timeout",
            "bootstrap.dcs.use-pg-rewind",
            "bootstrap.dcs.use-slots",
            "bootstrap.dcs.parameters",
            "postgres-proxy-address",
            "rewind-username",
            "rewind-password",
            "pg-hba",
            "pg-ident",
            "initdb-options",
            "socket-directory",
            "log-file",
            "create-replica-timeout",
            "basebackup-options",
            "recovery-conf",
            "custom-conf",
            "rest-api.ciphers",
            "rest-api.http-extra-headers",
            "rest-api.https-extra-headers",
            "rest-api.allowlist-include-members")
        .forEach(p -> expected.add("pgha.agent." + p));
    for (String role : List.of("superuser", "replication", "rewind")) {
      for (String key :
          List.of(
              "sslmode",
              "sslrootcert",
              "sslcert",
              "sslkey",
              "sslcrl",
              "sslcrldir",
              "gssencmode",
              "channel-binding",
              "require-auth")) {
        expected.add("pgha.agent." + role + "-tls." + key);
      }
    }
    assertThat(descriptions).containsKeys(expected.toArray(String[]::new));
    expected.forEach(p -> assertThat(descriptions.get(p)).as(p).isNotBlank());
  }

  @Test
  void theLiteralDefaultsTheMetadataShowsAreCoresDefaults() {
    PghaAgentProperties a = new PghaAgentProperties();
    assertThat(a.getPrePromoteTimeout()).isEqualTo(FencingSettings.DEFAULT_PRE_PROMOTE_TIMEOUT);
    assertThat(a.getCreateReplicaTimeout())
        .isEqualTo(PostgresSettings.DEFAULT_CREATE_REPLICA_TIMEOUT);
    assertThat(a.getWatchdog().getSafetyMargin()).isEqualTo(FencingSettings.DEFAULT_SAFETY_MARGIN);
    assertThat(a.getBootstrap().getPostBootstrapTimeout())
        .isEqualTo(AfterBootstrap.DEFAULT_SCRIPT_TIMEOUT);
    assertThat(a.getBootstrap().getUsers()).isEmpty();
    PghaBootstrapUser user = new PghaBootstrapUser();
    user.setPassword("app-secret");
    assertThat(user.toString()).doesNotContain("app-secret");
  }
}
