package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.pgha.jdbc.topology.Topology;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * What the DataSource asks of routing: it is fed topology snapshots and hands out lazily routed
 * connections. The implementation is package-private.
 */
public interface Routing extends AutoCloseable {

  /** Routing with no topology yet; feed it through {@link #onTopology}. */
  static Routing create(RoutingSettings settings) {
    return new Router(settings);
  }

  /** Installs a new topology; called by the topology source's thread. */
  void onTopology(Topology topology);

  /** The snapshot routing currently uses. */
  Topology topology();

  /** Names of the replicas that currently qualify for reads. */
  List<String> readableReplicas();

  /** The pools of the members in the current topology, leader first. */
  List<PoolState> poolStates();

  /** The HikariCP pool of each member in the current topology, by member name, leader first. */
  Map<String, HikariPoolMXBean> memberPools();

  /** A connection that binds to a server on its first statement. */
  Connection newConnection(boolean readOnly);

  /** Closes every pool; connections handed out fail from now on. */
  @Override
  void close();
}
