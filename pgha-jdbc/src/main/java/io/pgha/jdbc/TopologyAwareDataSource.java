package io.pgha.jdbc;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.pgha.jdbc.routing.PghaSqlStates;
import io.pgha.jdbc.routing.PoolState;
import io.pgha.jdbc.routing.Routing;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.Topology;
import io.pgha.jdbc.topology.TopologySource;
import java.io.Closeable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * A {@link DataSource} over a PostgreSQL cluster managed by Patroni or pgha: writes go to the
 * current leader, read-only work to healthy replicas, one HikariCP pool per member.
 *
 * <p>{@link #getConnection()} does no I/O: it returns a connection that binds to a server on its
 * first statement, choosing by the latest topology snapshot. Calling {@code setReadOnly(true)}
 * before that (as Spring does for {@code @Transactional(readOnly = true)}) sends the work to a
 * replica; {@link #readOnly()} returns a view whose connections start read-only.
 *
 * <p>When a server goes away or stops being primary, statements fail with SQLState {@value
 * PghaSqlStates#FAILOVER_RETRY} (rolled back: retry), {@value
 * PghaSqlStates#TRANSACTION_STATE_UNKNOWN} (a commit was in flight) or {@value
 * PghaSqlStates#NO_LEADER} (no leader within {@link PghaDataSourceConfig#leaderWaitTimeout()});
 * {@link TransactionRetrier} retries the first and last.
 *
 * <p>{@link #memberPools()} (also through {@code unwrap(MemberPools.class)}) gives each member's
 * HikariCP pool; {@link PghaDataSourceConfig.Builder#meterRegistry} reports them to Micrometer.
 */
public final class TopologyAwareDataSource implements DataSource, MemberPools, Closeable {

  private static final org.slf4j.Logger LOG =
      LoggerFactory.getLogger(TopologyAwareDataSource.class);

  private final PghaDataSourceConfig config;
  private final TopologySource source;
  private final Routing router;
  private final DataSource readOnlyView;
  private volatile boolean closed;
  private int loginTimeoutSeconds;

  /**
   * Starts the topology source and waits (up to {@link PghaDataSourceConfig#startTimeout()}) for
   * the first topology.
   *
   * @throws IllegalStateException when the source cannot be read: unreachable etcd or agents, an
   *     unknown scope, no server answering
   */
  public TopologyAwareDataSource(PghaDataSourceConfig config) {
    this.config = config;
    this.router = Routing.create(InternalSettings.routing(config));
    this.source = InternalSettings.topologySource(config);
    try {
      source.start(router::onTopology, config.startTimeout());
    } catch (RuntimeException e) {
      router.close();
      throw e;
    }
    this.readOnlyView = new ReadOnlyView();
    Topology t = router.topology();
    LOG.info(
        "pgha DataSource {} started from {}: leader {}, members {}",
        config.poolName(),
        source.describe(),
        t.leaderName(),
        t.members().stream().map(Member::name).toList());
  }

  /** A connection for read-write work (bound to the leader on first use). */
  @Override
  public Connection getConnection() throws SQLException {
    if (closed) {
      throw new SQLException("pgha DataSource " + config.poolName() + " is closed", "08003");
    }
    return router.newConnection(false);
  }

  /** Not supported: credentials are part of the configuration. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "pgha: credentials are set in PghaDataSourceConfig, not per connection");
  }

  /** A view whose connections are read-only from the start, routed to replicas. */
  public DataSource readOnly() {
    return readOnlyView;
  }

  /** The topology routing uses now. */
  public Topology topology() {
    return router.topology();
  }

  /** Names of the replicas that currently qualify for reads. */
  public List<String> readableReplicas() {
    return router.readableReplicas();
  }

  /** The state of each member's pool (borrowed and idle connections, read circuit, lag). */
  public List<PoolState> poolStates() {
    return router.poolStates();
  }

  @Override
  public Map<String, HikariPoolMXBean> memberPools() {
    return router.memberPools();
  }

  /** The configuration this DataSource runs with. */
  public PghaDataSourceConfig config() {
    return config;
  }

  /** Stops the topology source and closes every pool. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    source.close();
    router.close();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("pgha logs through SLF4J");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  private final class ReadOnlyView implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      if (closed) {
        throw new SQLException("pgha DataSource " + config.poolName() + " is closed", "08003");
      }
      return router.newConnection(true);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return TopologyAwareDataSource.this.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("pgha logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return TopologyAwareDataSource.this.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return TopologyAwareDataSource.this.isWrapperFor(iface);
    }
  }
}
