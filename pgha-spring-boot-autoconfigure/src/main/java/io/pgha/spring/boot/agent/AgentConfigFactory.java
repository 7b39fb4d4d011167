package io.pgha.spring.boot.agent;

import io.pgha.core.config.InvalidConfigurationException;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RestApiSettings;
import io.pgha.patroni.RoleNames;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import io.pgha.spring.boot.PghaDataSourceProperties;
import io.pgha.spring.boot.PghaEtcdProperties;
import io.pgha.spring.boot.PghaEtcdProperties.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.StringUtils;

/**
 * Builds the agent's {@link PghaConfig} from {@code pgha.agent.*} and {@code pgha.etcd.*}.
 * pgha-core checks it and names its own (Patroni-style) keys; they are translated to property names
 * for the failure analysis.
 */
final class AgentConfigFactory {
  static final String PREFIX = "pgha.agent.";
  private static final String DS_PREFIX = "pgha.datasource.";

  private static final Map<String, String> KEY_TO_PROPERTY =
      Map.ofEntries(
          Map.entry("postgresql.data_dir", "data-dir"),
          Map.entry("postgresql.bin_dir", "bin-dir"),
          Map.entry("postgresql.listen", "postgres-listen"),
          Map.entry("postgresql.connect_address", "postgres-connect-address"),
          Map.entry("postgresql.authentication.superuser.username", "superuser-username"),
          Map.entry("postgresql.authentication.replication.username", "replication-username"),
          Map.entry("postgresql.run_as_user", "run-as-user"),
          Map.entry("restapi.listen", "rest-api-listen"),
          Map.entry("restapi.connect_address", "rest-api-connect-address"),
          Map.entry("restapi.authentication.username", "rest-api.username"),
          Map.entry("restapi.authentication.password", "rest-api.password"),
          Map.entry("restapi.allowlist", "rest-api.allowlist"),
          Map.entry("restapi.certfile", "rest-api.certfile"),
          Map.entry("restapi.keyfile", "rest-api.keyfile"),
          Map.entry("restapi.keystore", "rest-api.keystore"),
          Map.entry("restapi.cafile", "rest-api.cafile"),
          Map.entry("restapi.verify_client", "rest-api.verify-client"),
          Map.entry("restapi.max_connections", "rest-api.max-connections"),
          Map.entry("restapi.authentication", "rest-api.username"),
          Map.entry(
              "restapi.allow_unauthenticated_unsafe_methods",
              "rest-api.allow-unauthenticated-unsafe-methods"),
          Map.entry("restapi.ciphers", "rest-api.ciphers"),
          Map.entry("restapi.http_extra_headers", "rest-api.http-extra-headers"),
          Map.entry("restapi.https_extra_headers", "rest-api.https-extra-headers"),
          Map.entry("postgresql.proxy_address", "postgres-proxy-address"),
          Map.entry("postgresql.authentication.rewind.username", "rewind-username"),
          Map.entry("postgresql.pg_hba", "pg-hba"),
          Map.entry("postgresql.pg_ident", "pg-ident"),
          Map.entry("bootstrap.initdb", "initdb-options"),
          Map.entry("postgresql.socket_directory", "socket-directory"),
          Map.entry("postgresql.log_file", "log-file"),
          Map.entry("postgresql.create_replica_timeout", "create-replica-timeout"),
          Map.entry("postgresql.basebackup", "basebackup-options"),
          Map.entry("postgresql.recovery_conf", "recovery-conf"),
          Map.entry("postgresql.custom_conf", "custom-conf"),
          Map.entry("postgresql.pre_promote", "pre-promote"),
          Map.entry("postgresql.pre_promote_timeout", "pre-promote-timeout"),
          Map.entry("bootstrap.post_bootstrap", "bootstrap.post-bootstrap"),
          Map.entry("loop_wait", "loop-wait"),
          Map.entry("retry_timeout", "retry-timeout"),
          Map.entry("maximum_lag_on_failover", "maximum-lag-on-failover"),
          Map.entry("pg_rpo", "maximum-lag-on-failover"));

  /** A role's TLS key ({@code postgresql.authentication.replication.sslmode}). */
  private static final java.util.regex.Pattern ROLE_TLS_KEY =
      java.util.regex.Pattern.compile(
          "postgresql\\.authentication\\.(superuser|replication|rewind)\\.([a-z_]+)");

  private AgentConfigFactory() {}

  static PghaConfig create(
      PghaAgentProperties a, PghaEtcdProperties etcd, PghaDataSourceProperties ds) {
    Setting<List<String>> endpoints =
        etcd.endpoints(
            new Setting<>(PREFIX + "etcd-endpoints", a.getEtcdEndpoints()),
            new Setting<>(DS_PREFIX + "etcd-endpoints", ds.getEtcdEndpoints()));
    Setting<String> scope =
        etcd.scope(
            new Setting<>(PREFIX + "scope", a.getScope()),
            new Setting<>(DS_PREFIX + "scope", ds.getScope()));
    Setting<String> namespace =
        etcd.namespace(
            new Setting<>(PREFIX + "namespace", a.getNamespace()),
            new Setting<>(DS_PREFIX + "namespace", ds.getNamespace()));
    Setting<String> user =
        etcd.username(new Setting<>(PREFIX + "etcd-username", a.getEtcdUsername()));
    Setting<String> password =
        etcd.password(new Setting<>(PREFIX + "etcd-password", a.getEtcdPassword()));
    Map<String, String> properties = new HashMap<>();
    properties.put("etcd.endpoints", endpoints.property());
    properties.put("etcd.username", user.property());
    properties.put("etcd.password", password.property());
    properties.put("etcd.cacert", "pgha.etcd.cacert");
    properties.put("etcd.cert", "pgha.etcd.cert");
    properties.put("etcd.key", "pgha.etcd.key");
    properties.put("scope", scope.property());
    properties.put("namespace", namespace.property());
    PghaConfig.Builder b =
        PghaConfig.builder()
            .scope(scope.value())
            .namespace(namespace.value())
            .name(a.getName())
            .etcdEndpoints(endpoints.value())
            .etcd(
                e -> {
                  if (user.value() != null || password.value() != null) {
                    e.credentials(user.value(), password.value());
                  }
                  e.caFile(etcd.getCacert());
                  if (etcd.getCert() != null || etcd.getKey() != null) {
                    e.clientCertificate(etcd.getCert(), etcd.getKey());
                  }
                })
            .postgresDataDir(a.getDataDir())
            .postgresListen(a.getPostgresListen())
            .superuser(a.getSuperuserUsername(), a.getSuperuserPassword())
            .replicationUser(a.getReplicationUsername(), a.getReplicationPassword())
            .postgres(
                pg -> {
                  pg.binDir(a.getBinDir());
                  pg.connectAddress(a.getPostgresConnectAddress());
                  if (StringUtils.hasText(a.getRunAsUser())) {
                    pg.runAsUser(a.getRunAsUser());
                  }
                  pg.parameters(a.getParameters());
                  PostgresMapping.apply(pg, a);
                })
            .restApiListen(a.getRestApiListen())
            .restApi(
                api -> {
                  api.connectAddress(a.getRestApiConnectAddress());
                  restApiSecurity(api, a.getRestApi());
                })
            .tags(a.getTags())
            .preset(a.getPreset())
            .pgRpo(a.getMaximumLagOnFailover());
    if (a.getTtl() != null) {
      b.ttl(a.getTtl());
    }
    if (a.getLoopWait() != null) {
      b.loopWait(a.getLoopWait());
    }
    if (a.getRetryTimeout() != null) {
      b.retryTimeout(a.getRetryTimeout());
    }
    haSettings(b, a);
    fencing(b, a);
    BootstrapMapping.apply(b, a.getBootstrap(), a.getStandbyCluster());
    try {
      return b.build();
    } catch (InvalidConfigurationException e) {
      throw translate(e, properties);
    }
  }

  /** Timings and failover rules beyond the preset's. */
  private static void haSettings(PghaConfig.Builder b, PghaAgentProperties a) {
    if (a.getPgRto() != null) {
      b.pgRto(PropertyChecks.seconds(PREFIX + "pg-rto", a.getPgRto(), 1, Integer.MAX_VALUE));
    }
    if (a.getPrimaryStartTimeout() != null) {
      b.primaryStartTimeout(a.getPrimaryStartTimeout());
    }
    if (a.getLeaderSilenceTimeout() != null) {
      b.leaderSilenceTimeout(a.getLeaderSilenceTimeout());
    }
    b.synchronousModeStrict(a.isSynchronousModeStrict())
        .failsafeMode(a.isFailsafeMode())
        .fastTakeover(a.getFastTakeover())
        .removeDataDirectoryOnRewindFailure(a.isRemoveDataDirectoryOnRewindFailure())
        .roleNames(
            RoleNames.ofPrimaryName(String.valueOf(a.getPrimaryRoleName()))
                .orElseThrow(
                    () ->
                        new InvalidPghaPropertyException(
                            PREFIX + "primary-role-name",
                            String.valueOf(a.getPrimaryRoleName()),
                            "must be primary or master",
                            null)));
  }

  private static void fencing(PghaConfig.Builder b, PghaAgentProperties a) {
    b.prePromote(a.getPrePromote(), a.getPrePromoteTimeout());
    PghaWatchdogProperties w = a.getWatchdog();
    b.watchdog(w.getMode(), w.getDevice(), w.getSafetyMargin()).watchdogDriver(w.getDriver());
  }

  private static void restApiSecurity(RestApiSettings.Builder api, PghaRestApiProperties r) {
    if (r.getUsername() != null || r.getPassword() != null) {
      api.authentication(r.getUsername(), r.getPassword());
    }
    api.allowlist(r.getAllowlist());
    if (r.getKeystore() != null) {
      api.tlsPkcs12(r.getKeystore(), r.getKeystorePassword());
    } else if (r.getCertfile() != null || r.getKeyfile() != null) {
      api.tlsPem(r.getCertfile(), r.getKeyfile());
    }
    api.verifyClient(r.getVerifyClient(), r.getCafile());
    api.allowUnauthenticatedUnsafeMethods(r.isAllowUnauthenticatedUnsafeMethods());
    api.maxConnections(r.getMaxConnections());
    if (r.getCiphers() != null) {
      api.ciphers(r.getCiphers());
    }
    api.httpExtraHeaders(r.getHttpExtraHeaders());
    api.httpsExtraHeaders(r.getHttpsExtraHeaders());
    api.allowlistIncludeMembers(r.isAllowlistIncludeMembers());
  }

  /** The restapi keys a rule names (what to add) as this starter's property names. */
  private static String restApiKeysAsProperties(String text) {
    String out = text;
    List<String> keys =
        KEY_TO_PROPERTY.keySet().stream()
            .filter(k -> k.startsWith("restapi."))
            .sorted((x, y) -> y.length() - x.length())
            .toList();
    for (String key : keys) {
      out = out.replace(key, PREFIX + KEY_TO_PROPERTY.get(key));
    }
    return out;
  }

  /** The property a key of pgha-core's problems stands for. */
  private static String property(String key, Map<String, String> properties) {
    if (key.startsWith("postgresql.parameters") || key.startsWith("bootstrap.users.")) {
      // Free-form names, kept as written.
      return PREFIX + key.substring(key.startsWith("bootstrap.") ? 0 : "postgresql.".length());
    }
    if (properties.containsKey(key) || KEY_TO_PROPERTY.containsKey(key)) {
      return properties.getOrDefault(key, PREFIX + KEY_TO_PROPERTY.get(key));
    }
    java.util.regex.Matcher tls = ROLE_TLS_KEY.matcher(key);
    if (tls.matches()) {
      return PREFIX + tls.group(1) + "-tls." + tls.group(2).replace('_', '-');
    }
    return PREFIX + key.replace('_', '-');
  }

  static InvalidPghaPropertyException translate(
      InvalidConfigurationException e, Map<String, String> properties) {
    String first = e.problems().isEmpty() ? e.getMessage() : e.problems().get(0);
    int space = first.indexOf(' ');
    String key = space < 0 ? first : first.substring(0, space);
    String rest = space < 0 ? "" : first.substring(space + 1);
    String value = "(not set)";
    if (rest.startsWith("(")) {
      int close = rest.indexOf(") ");
      if (close > 0) {
        value = rest.substring(1, close);
        rest = rest.substring(close + 2);
      }
    }
    String property = property(key, properties);
    rest = restApiKeysAsProperties(rest);
    if (e.problems().size() > 1) {
      rest += " (and " + (e.problems().size() - 1) + " more: " + e.getMessage() + ")";
    }
    return new InvalidPghaPropertyException(property, value, rest, e);
  }
}
