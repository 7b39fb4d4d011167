package io.pgha.spring.boot.autoconfigure;

import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import io.pgha.spring.boot.PghaDataSourceConfigCustomizer;
import io.pgha.spring.boot.PghaDataSourceProperties;
import io.pgha.spring.boot.PghaEtcdProperties;
import io.pgha.spring.boot.PghaEtcdProperties.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code pgha.datasource.*} and {@code pgha.etcd.*} into a checked {@link
 * PghaDataSourceConfig}. pgha-jdbc's builder does the checking; its messages name builder keys,
 * which are translated here to property names so that the failure analysis points at the line to
 * fix in {@code application.properties}.
 */
final class DataSourceConfigFactory {
  static final String PREFIX = "pgha.datasource.";

  private static final Pattern BUILDER_MESSAGE = Pattern.compile("pgha: (\\w+) \\((.*?)\\) (.*)");

  private DataSourceConfigFactory() {}

  static PghaDataSourceConfig create(
      PghaDataSourceProperties p,
      PghaEtcdProperties etcd,
      PghaMetrics metrics,
      List<PghaDataSourceConfigCustomizer> all) {
    PghaDataSourceConfig.Builder b = PghaDataSourceConfig.builder();
    Setting<List<String>> endpoints =
        etcd.endpoints(new Setting<>(PREFIX + "etcd-endpoints", p.getEtcdEndpoints()));
    Setting<String> scope = etcd.scope(new Setting<>(PREFIX + "scope", p.getScope()));
    Setting<String> namespace =
        etcd.namespace(new Setting<>(PREFIX + "namespace", p.getNamespace()));
    List<String> sources = new ArrayList<>();
    if (!endpoints.value().isEmpty()) {
      sources.add(endpoints.property());
    }
    if (!p.getHttpApiUrls().isEmpty()) {
      sources.add(PREFIX + "http-api-urls");
    }
    if (!p.getStaticHosts().isEmpty()) {
      sources.add(PREFIX + "static-hosts");
    }
    if (sources.size() > 1) {
      throw new InvalidPghaPropertyException(
          sources.get(1),
          String.valueOf(sources),
          "conflicts with "
              + sources.get(0)
              + ": set exactly one topology source (pgha.etcd.endpoints with pgha.etcd.scope,"
              + " http-api-urls or static-hosts)",
          null);
    }
    if (!endpoints.value().isEmpty()) {
      b.etcd(endpoints.value())
          .etcdCredentials(etcd.username().value(), etcd.password().value())
          .etcdTls(etcd.getCacert(), etcd.getCert(), etcd.getKey());
    } else if (!p.getHttpApiUrls().isEmpty()) {
      b.httpApi(p.getHttpApiUrls());
    } else if (!p.getStaticHosts().isEmpty()) {
      b.staticHosts(p.getStaticHosts());
    }
    b.namespace(namespace.value())
        .scope(scope.value())
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
    if (!p.getHikari().isEmpty()) {
      b.hikari(HikariProperties.of(PREFIX + "hikari", p.getHikari()));
    }
    try {
      all.forEach(c -> c.customize(b));
      return b.build();
    } catch (IllegalArgumentException e) {
      Map<String, String> keys =
          Map.of(
              "etcd",
              endpoints.property(),
              "scope",
              scope.property(),
              "namespace",
              namespace.property(),
              "httpApi",
              PREFIX + "http-api-urls",
              "etcdCredentials",
              "pgha.etcd.username",
              "etcdTls",
              "pgha.etcd.cacert");
      throw translate(e, sources.isEmpty(), keys);
    }
  }

  private static InvalidPghaPropertyException translate(
      IllegalArgumentException e, boolean noSourceProperty, Map<String, String> keys) {
    if (noSourceProperty && e.getMessage() != null && e.getMessage().startsWith("no topology")) {
      return new InvalidPghaPropertyException(
          "pgha.etcd.endpoints",
          "(not set)",
          "is required: set pgha.etcd.endpoints (with pgha.etcd.scope), "
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
    String property = keys.getOrDefault(key, PREFIX + kebab(key));
    return new InvalidPghaPropertyException(property, m.group(2), m.group(3), e);
  }

  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
