package io.pgha.spring.boot.agent;

import io.pgha.core.config.InvalidConfigurationException;
import io.pgha.core.config.PghaConfig;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import io.pgha.spring.boot.PghaDataSourceProperties;
import java.util.List;
import java.util.Map;

/**
 * Builds the agent's {@link PghaConfig} from {@code pgha.agent.*}. pgha-core checks it and names
 * its own (Patroni-style) keys; they are translated to property names for the failure analysis.
 */
final class AgentConfigFactory {
  static final String PREFIX = "pgha.agent.";

  private static final Map<String, String> KEY_TO_PROPERTY =
      Map.ofEntries(
          Map.entry("etcd.endpoints", "etcd-endpoints"),
          Map.entry("etcd.username", "etcd-username"),
          Map.entry("etcd.password", "etcd-password"),
          Map.entry("postgresql.data_dir", "data-dir"),
          Map.entry("postgresql.bin_dir", "bin-dir"),
          Map.entry("postgresql.listen", "postgres-listen"),
          Map.entry("postgresql.connect_address", "postgres-connect-address"),
          Map.entry("postgresql.authentication.superuser.username", "superuser-username"),
          Map.entry("postgresql.authentication.replication.username", "replication-username"),
          Map.entry("restapi.listen", "rest-api-listen"),
          Map.entry("restapi.connect_address", "rest-api-connect-address"),
          Map.entry("loop_wait", "loop-wait"),
          Map.entry("retry_timeout", "retry-timeout"),
          Map.entry("maximum_lag_on_failover", "maximum-lag-on-failover"),
          Map.entry("pg_rpo", "maximum-lag-on-failover"));

  private AgentConfigFactory() {}

  static PghaConfig create(PghaAgentProperties a, PghaDataSourceProperties ds) {
    List<String> etcd =
        a.getEtcdEndpoints().isEmpty() ? ds.getEtcdEndpoints() : a.getEtcdEndpoints();
    PghaConfig.Builder b =
        PghaConfig.builder()
            .scope(a.getScope() != null ? a.getScope() : ds.getScope())
            .namespace(a.getNamespace() != null ? a.getNamespace() : ds.getNamespace())
            .name(a.getName())
            .etcdEndpoints(etcd)
            .postgresDataDir(a.getDataDir())
            .postgresListen(a.getPostgresListen())
            .superuser(a.getSuperuserUsername(), a.getSuperuserPassword())
            .replicationUser(a.getReplicationUsername(), a.getReplicationPassword())
            .restApiListen(a.getRestApiListen())
            .tags(a.getTags())
            .preset(a.getPreset())
            .pgRpo(a.getMaximumLagOnFailover());
    if (a.getEtcdUsername() != null) {
      b.etcdCredentials(a.getEtcdUsername(), a.getEtcdPassword());
    }
    if (a.getBinDir() != null) {
      b.postgresBinDir(a.getBinDir());
    }
    if (a.getPostgresConnectAddress() != null) {
      b.postgresConnectAddress(a.getPostgresConnectAddress());
    }
    if (a.getRestApiConnectAddress() != null) {
      b.restApiConnectAddress(a.getRestApiConnectAddress());
    }
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
      throw translate(e);
    }
  }

  static InvalidPghaPropertyException translate(InvalidConfigurationException e) {
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
    String property = PREFIX + KEY_TO_PROPERTY.getOrDefault(key, key.replace('_', '-'));
    if (e.problems().size() > 1) {
      rest += " (and " + (e.problems().size() - 1) + " more: " + e.getMessage() + ")";
    }
    return new InvalidPghaPropertyException(property, value, rest, e);
  }
}
