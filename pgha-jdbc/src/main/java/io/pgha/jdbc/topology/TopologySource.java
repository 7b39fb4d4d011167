package io.pgha.jdbc.topology;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where the DataSource learns the cluster's topology. Implementations deliver a complete, new
 * {@link Topology} for every change to the listener, from their own threads, never from the
 * caller's.
 *
 * <p>The built-in sources ({@link TopologySources}) are chosen through {@code
 * PghaDataSourceConfig}: an etcd watch on Patroni's keys, polling of the agents' {@code GET
 * /cluster}, or probing a static host list; an application's own source is set with {@code
 * PghaDataSourceConfig.Builder#topologySource}.
 */
public interface TopologySource extends AutoCloseable {

  /**
   * Reads the topology once, delivers it, and then keeps delivering changes.
   *
   * @param listener receives every new snapshot; must be cheap and must not throw
   * @param timeout how long the first read may take
   * @throws IllegalStateException when the first read fails (unreachable store, unknown scope),
   *     with a message that says which and where
   */
  void start(Consumer<Topology> listener, Duration timeout);

  /** A short description for logs and errors, such as {@code etcd /service/pg-test/}. */
  String describe();

  /** Stops watching or polling and releases connections. */
  @Override
  void close();
}
