package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.pgha.jdbc.topology.Member;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The HikariCP pool of one member's PostgreSQL server, with the flag that keeps reads away from it
 * after a read failed there. Creating a pool does no I/O: connections are opened on first borrow.
 */
final class MemberPool implements AutoCloseable {

  private final String name;
  private final String address;
  private final HikariDataSource pool;
  private volatile long absentSinceNanos = -1;
  private volatile boolean readFailed;
  private volatile boolean unreachable;

  /** How long a borrow waits while the server cannot be reached. */
  static final long UNREACHABLE_BORROW_MILLIS = 50;

  MemberPool(Member member, MemberPoolSettings config) {
    this.name = member.name();
    this.address = member.address();
    HikariConfig hc = new HikariConfig();
    String poolName = config.poolName() + "-" + member.name();
    String jdbcUrl = "jdbc:postgresql://" + member.address() + "/" + config.database();
    hc.setPoolName(poolName);
    hc.setJdbcUrl(jdbcUrl);
    if (config.username() != null) {
      hc.setUsername(config.username());
    }
    if (config.password() != null) {
      hc.setPassword(config.password());
    }
    for (Map.Entry<String, String> e : config.driverProperties().entrySet()) {
      hc.addDataSourceProperty(e.getKey(), e.getValue());
    }
    hc.setMaximumPoolSize(config.maximumPoolSize());
    hc.setMinimumIdle(config.minimumIdle());
    hc.setConnectionTimeout(config.connectionTimeout().toMillis());
    hc.setIdleTimeout(config.idleTimeout().toMillis());
    hc.setMaxLifetime(config.maxLifetime().toMillis());
    config.hikari().accept(member.name(), hc);
    // What routing relies on, whatever a customizer set: the pool is this member's (its name is
    // the member's key in logs and metrics), never blocks or fails when its member is down, and an
    // idle connection's check (isValid, up to 5 s by default) never holds a borrow past the
    // connection timeout on a hung server.
    hc.setPoolName(poolName);
    hc.setJdbcUrl(jdbcUrl);
    hc.setInitializationFailTimeout(-1);
    hc.setValidationTimeout(Math.min(hc.getValidationTimeout(), hc.getConnectionTimeout()));
    this.pool = new HikariDataSource(hc);
  }

  String name() {
    return name;
  }

  String address() {
    return address;
  }

  /**
   * Borrows a connection, waiting at most the pool's connection timeout, or {@link
   * #UNREACHABLE_BORROW_MILLIS} while the server cannot be reached (the last borrow failed with no
   * connection in the pool): callers on a dead server then return to the topology at once instead
   * of each waiting out the timeout, and a new leader is not missed behind such a wait.
   */
  Connection borrow() throws SQLException {
    try {
      Connection c =
          unreachable
              ? ((HikariPool) pool.getHikariPoolMXBean()).getConnection(UNREACHABLE_BORROW_MILLIS)
              : pool.getConnection();
      unreachable = false;
      return c;
    } catch (SQLException e) {
      // A pool with connections that all are busy is saturated, not unreachable.
      unreachable = pool.getHikariPoolMXBean().getTotalConnections() == 0;
      throw e;
    }
  }

  /** False while reads keep away from this member: a read on it failed because it went away. */
  boolean takesReads() {
    return !readFailed;
  }

  /**
   * A read on this member failed because its server went away or did not answer: no reads here
   * until a check in the background reaches it again.
   *
   * @return true if this changed the state (it took reads until now)
   */
  boolean markReadFailed() {
    boolean was = readFailed;
    readFailed = true;
    return !was;
  }

  /** The background check reached the server again: reads may come back. */
  void markReadable() {
    readFailed = false;
  }

  /** {@code OPEN} while reads keep away after a failure, {@code CLOSED} otherwise. */
  String readCircuit() {
    return readFailed ? "OPEN" : "CLOSED";
  }

  /** Whether every connection the pool may open is lent out: a borrow then waits for a return. */
  boolean saturated() {
    return pool.getHikariPoolMXBean().getActiveConnections()
        >= pool.getHikariConfigMXBean().getMaximumPoolSize();
  }

  int activeConnections() {
    return pool.getHikariPoolMXBean().getActiveConnections();
  }

  int idleConnections() {
    return pool.getHikariPoolMXBean().getIdleConnections();
  }

  void resize(int maximumPoolSize) {
    if (pool.getHikariConfigMXBean().getMaximumPoolSize() != maximumPoolSize) {
      pool.getHikariConfigMXBean().setMaximumPoolSize(maximumPoolSize);
    }
  }

  /** The pool's HikariCP statistics and controls. */
  HikariPoolMXBean mxBean() {
    return pool.getHikariPoolMXBean();
  }

  /** Closes idle connections now and borrowed ones when they are returned. */
  void softEvict() {
    pool.getHikariPoolMXBean().softEvictConnections();
  }

  long absentSinceNanos() {
    return absentSinceNanos;
  }

  void markAbsent(long nowNanos) {
    if (absentSinceNanos < 0) {
      absentSinceNanos = nowNanos;
    }
  }

  void markPresent() {
    absentSinceNanos = -1;
  }

  @Override
  public void close() {
    pool.close();
  }
}
