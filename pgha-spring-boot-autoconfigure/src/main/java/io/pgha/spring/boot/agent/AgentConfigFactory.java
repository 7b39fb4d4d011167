package io.pgha.spring.boot.agent;

import io.pgha.core.config.InvalidConfigurationException;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RestApiSettings;
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
          Map.entry("loop_wait", "loop-wait"),
          Map.entry("retry_timeout", "retry-timeout"),
          Map.entry("maximum_lag_on_failover", "maximum-lag-on-failover"),
          Map.entry("pg_rpo", "maximum-lag-on-failover"));

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
    try {
      return b.build();
    } catch (InvalidConfigurationException e) {
      throw translate(e, properties);
    }
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
    String property =
        key.startsWith("postgresql.parameters")
            ? PREFIX + key.substring("postgresql.".length())
            : properties.getOrDefault(
                key, PREFIX + KEY_TO_PROPERTY.getOrDefault(key, key.replace('_', '-')));
    rest = restApiKeysAsProperties(rest);
    if (e.problems().size() > 1) {
      rest += " (and " + (e.problems().size() - 1) + " more: " + e.getMessage() + ")";
    }
    return new InvalidPghaPropertyException(property, value, rest, e);
  }
}
