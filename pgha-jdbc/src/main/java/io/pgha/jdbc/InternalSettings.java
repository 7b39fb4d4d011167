package io.pgha.jdbc;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pgha.jdbc.routing.MemberPoolSettings;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.jdbc.routing.RoutingSettings;
import io.pgha.jdbc.topology.TopologySource;
import io.pgha.jdbc.topology.TopologySources;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Translates the user's {@link PghaDataSourceConfig} into the settings of the internal packages, so
 * that routing and topology never depend on the entry points' package.
 */
final class InternalSettings {

  private InternalSettings() {}

  static RoutingSettings routing(PghaDataSourceConfig c) {
    return new RoutingSettings(
        pools(c),
        c.readPolicy(),
        c.maxReplicaLagBytes(),
        c.fallbackToLeader(),
        c.leaderWaitTimeout(),
        c.replayLagProbeInterval(),
        c.replicaCircuitOpenDuration(),
        metrics(c));
  }

  /** The application's hooks, and pgha's meters when a meter registry is configured. */
  static PghaMetrics metrics(PghaDataSourceConfig c) {
    if (c.meterRegistry() == null) {
      return c.metrics();
    }
    return PghaMetrics.composite(
        List.of(c.metrics(), MicrometerBinding.pghaMetrics(c.meterRegistry(), c.poolName())));
  }

  /**
   * What adjusts each member pool's HikariCP configuration: the pool's meters when a meter registry
   * is configured, then the application's customizer (which may so replace the meters' tracker).
   */
  static BiConsumer<String, HikariConfig> hikari(PghaDataSourceConfig c) {
    Consumer<HikariConfig> customizer = c.hikariCustomizer();
    if (c.meterRegistry() == null) {
      return (member, config) -> customizer.accept(config);
    }
    BiConsumer<String, HikariConfig> meters = MicrometerBinding.poolMeters(c.meterRegistry());
    return (member, config) -> {
      meters.accept(member, config);
      customizer.accept(config);
    };
  }

  static MemberPoolSettings pools(PghaDataSourceConfig c) {
    return new MemberPoolSettings(
        c.poolName(),
        c.database(),
        c.username(),
        c.password(),
        c.driverProperties(),
        c.maximumPoolSize(),
        c.leaderMaximumPoolSize(),
        c.replicaMaximumPoolSize(),
        c.minimumIdle(),
        c.connectionTimeout(),
        c.idleTimeout(),
        c.maxLifetime(),
        hikari(c),
        c.circuitBreakerRegistry() != null
            ? c.circuitBreakerRegistry()
            : CircuitBreakerRegistry.ofDefaults());
  }

  /**
   * The topology source the configuration selects.
   *
   * @throws IllegalStateException when the etcd source is chosen but jetcd is not on the class path
   */
  static TopologySource topologySource(PghaDataSourceConfig c) {
    return switch (c.sourceKind()) {
      case ETCD -> TopologySources.etcd(c.etcdAccess(), c.keyPrefix());
      case HTTP -> TopologySources.httpApi(c.httpEndpoints(), c.pollInterval());
      case STATIC -> {
        Properties props = new Properties();
        props.putAll(c.connectionProperties());
        if (c.username() != null) {
          props.setProperty("user", c.username());
        }
        if (c.password() != null) {
          props.setProperty("password", c.password());
        }
        yield TopologySources.staticHosts(c.staticHosts(), c.database(), props, c.pollInterval());
      }
      case CUSTOM -> c.customSource();
    };
  }
}
