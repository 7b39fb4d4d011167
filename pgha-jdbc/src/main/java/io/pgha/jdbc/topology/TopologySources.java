package io.pgha.jdbc.topology;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Creates the built-in topology sources. The etcd source is created only through here: jetcd is an
 * optional dependency, and its absence must fail with a message rather than a {@link
 * NoClassDefFoundError}.
 */
public final class TopologySources {

  private TopologySources() {}

  /**
   * A watch on Patroni's keys in etcd.
   *
   * @param endpoints etcd endpoints like {@code http://127.0.0.1:2379}
   * @param keyPrefix the cluster's keys, {@code <namespace>/<scope>/}
   * @throws IllegalStateException when jetcd is not on the class path
   */
  public static TopologySource etcd(List<String> endpoints, String keyPrefix) {
    return etcd(EtcdAccess.of(endpoints), keyPrefix);
  }

  /**
   * A watch on Patroni's keys in etcd, with etcd credentials and TLS.
   *
   * @param access endpoints, credentials and TLS files
   * @param keyPrefix the cluster's keys, {@code <namespace>/<scope>/}
   * @throws IllegalStateException when jetcd is not on the class path
   */
  public static TopologySource etcd(EtcdAccess access, String keyPrefix) {
    try {
      Class.forName("io.etcd.jetcd.Client", false, TopologySources.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the etcd topology source needs io.etcd:jetcd-core on the class path (an optional"
              + " dependency of pgha-jdbc); add it, or use httpApi(...) or staticHosts(...)",
          e);
    }
    return new EtcdTopologySource(access, keyPrefix);
  }

  /** Polling of {@code GET /cluster} on the agents' API base URLs. */
  public static TopologySource httpApi(List<URI> apiBaseUrls, Duration pollInterval) {
    return new HttpClusterTopologySource(apiBaseUrls, pollInterval);
  }

  /**
   * Probing of {@code host:port} servers with {@code pg_is_in_recovery()}.
   *
   * @param connectionProperties pgjdbc properties of the probes, {@code user} and {@code password}
   *     included
   */
  public static TopologySource staticHosts(
      List<String> hostPorts,
      String database,
      Properties connectionProperties,
      Duration pollInterval) {
    return new StaticHostTopologySource(hostPorts, database, connectionProperties, pollInterval);
  }
}
