package io.pgha.spring.boot.autoconfigure;

import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.PghaMetrics;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import io.pgha.spring.boot.PghaDataSourceConfigCustomizer;
import io.pgha.spring.boot.PghaDataSourceProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code pgha.datasource.*} into a checked {@link PghaDataSourceConfig}. pgha-jdbc's builder
 * does the checking; its messages name builder keys, which are translated here to property names so
 * that the failure analysis points at the line to fix in {@code application.properties}.
 */
final class DataSourceConfigFactory {
  static final String PREFIX = "pgha.datasource.";

  private static final Pattern BUILDER_MESSAGE = Pattern.compile("pgha: (\\w+) \\((.*?)\\) (.*)");
  private static final Map<String, String> BUILDER_KEY_TO_PROPERTY =
      Map.of("etcd", "etcd-endpoints", "httpApi", "http-api-urls");

  private DataSourceConfigFactory() {}

  static PghaDataSourceConfig create(
      PghaDataSourceProperties p, PghaMetrics metrics, List<PghaDataSourceConfigCustomizer> all) {
    PghaDataSourceConfig.Builder b = PghaDataSourceConfig.builder();
    List<String> sources = new ArrayList<>();
    if (!p.getEtcdEndpoints().isEmpty()) {
      sources.add("etcd-endpoints");
    }
    if (!p.getHttpApiUrls().isEmpty()) {
      sources.add("http-api-urls");
    }
    if (!p.getStaticHosts().isEmpty()) {
      sources.add("static-hosts");
    }
    if (sources.size() > 1) {
      throw new InvalidPghaPropertyException(
          PREFIX + sources.get(1),
          String.valueOf(sources.stream().map(s -> PREFIX + s).toList()),
          "conflicts with "
              + PREFIX
              + sources.get(0)
              + ": set exactly one topology source (etcd-endpoints with scope, http-api-urls or"
              + " static-hosts)",
          null);
    }
    if (!p.getEtcdEndpoints().isEmpty()) {
      b.etcd(p.getEtcdEndpoints());
    } else if (!p.getHttpApiUrls().isEmpty()) {
      b.httpApi(p.getHttpApiUrls());
    } else if (!p.getStaticHosts().isEmpty()) {
      b.staticHosts(p.getStaticHosts());
    }
    b.namespace(p.getNamespace())
        .scope(p.getScope())
        .pollInterval(p.getPollInterval())
        .database(p.getDatabase())
        .username(p.getUsername())
        .password(p.getPassword())
        .maximumPoolSize(p.getMaximumPoolSize())
        .leaderMaximumPoolSize(p.getLeaderMaximumPoolSize())
        .replicaMaximumPoolSize(p.getReplicaMaximumPoolSize())
        .minimumIdle(p.getMinimumIdle())
        .connectionTimeout(p.getConnectionTimeout())
        .idleTimeout(p.getIdleTimeout())
        .maxLifetime(p.getMaxLifetime())
        .readPolicy(p.getReadPolicy())
        .maxReplicaLagBytes(p.getMaxReplicaLagBytes())
        .fallbackToLeader(p.isFallbackToLeader())
        .leaderWaitTimeout(p.getLeaderWaitTimeout())
        .startTimeout(p.getStartTimeout())
        .replayLagProbeInterval(p.getReplayLagProbeInterval())
        .replicaCircuitOpenDuration(p.getReplicaCircuitOpenDuration())
        .tcpKeepAlive(p.isTcpKeepAlive())
        .connectTimeout(p.getConnectTimeout())
        .socketTimeout(p.getSocketTimeout())
        .metrics(metrics)
        .poolName(p.getPoolName());
    p.getConnectionProperties().forEach(b::connectionProperty);
    try {
      all.forEach(c -> c.customize(b));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw translate(e, sources.isEmpty());
    }
  }

  private static InvalidPghaPropertyException translate(
      IllegalArgumentException e, boolean noSourceProperty) {
    if (noSourceProperty && e.getMessage() != null && e.getMessage().startsWith("no topology")) {
      return new InvalidPghaPropertyException(
          PREFIX + "etcd-endpoints",
          "(not set)",
          "is required: set "
              + PREFIX
              + "etcd-endpoints (with "
              + PREFIX
              + "scope), "
              + PREFIX
              + "http-api-urls or "
              + PREFIX
              + "static-hosts, or set "
              + PREFIX
              + "enabled=false",
          e);
    }
    Matcher m = BUILDER_MESSAGE.matcher(e.getMessage() == null ? "" : e.getMessage());
    if (!m.matches()) {
      return new InvalidPghaPropertyException(PREFIX + "*", "?", e.getMessage(), e);
    }
    String key = m.group(1);
    String property = BUILDER_KEY_TO_PROPERTY.getOrDefault(key, kebab(key));
    return new InvalidPghaPropertyException(PREFIX + property, m.group(2), m.group(3), e);
  }

  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
