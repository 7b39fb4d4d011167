package io.pgha.jdbc.topology;

import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologySource;
import java.util.Properties;

/** Creates the topology source a configuration selects. */
public final class TopologySources {

  private TopologySources() {}

  /**
   * @throws IllegalStateException when the etcd source is chosen but jetcd is not on the class path
   */
  public static TopologySource create(PghaDataSourceConfig config) {
    return switch (config.sourceKind()) {
      case ETCD -> {
        try {
          Class.forName("io.etcd.jetcd.Client", false, TopologySources.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(
              "the etcd topology source needs io.etcd:jetcd-core on the class path (an optional"
                  + " dependency of pgha-jdbc); add it, or use httpApi(...) or staticHosts(...)",
              e);
        }
        yield new EtcdTopologySource(config.etcdEndpoints(), config.keyPrefix());
      }
      case HTTP -> new HttpClusterTopologySource(config.httpEndpoints(), config.pollInterval());
      case STATIC -> {
        Properties props = new Properties();
        props.putAll(config.connectionProperties());
        if (config.username() != null) {
          props.setProperty("user", config.username());
        }
        if (config.password() != null) {
          props.setProperty("password", config.password());
        }
        yield new StaticHostTopologySource(
            config.staticHosts(), config.database(), props, config.pollInterval());
      }
      case CUSTOM -> config.customSource();
    };
  }
}
