package io.pgha.jdbc;

import io.pgha.jdbc.routing.MemberPoolSettings;
import io.pgha.jdbc.routing.RoutingSettings;
import io.pgha.jdbc.topology.TopologySource;
import io.pgha.jdbc.topology.TopologySources;
import java.util.Properties;

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
        c.metrics());
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
        c.maxLifetime());
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
