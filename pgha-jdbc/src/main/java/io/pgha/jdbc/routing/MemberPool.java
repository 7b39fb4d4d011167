package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgha.jdbc.Member;
import io.pgha.jdbc.PghaDataSourceConfig;
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

  MemberPool(Member member, PghaDataSourceConfig config) {
    this.name = member.name();
    this.address = member.address();
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(config.poolName() + "-" + member.name());
    hc.setJdbcUrl("jdbc:postgresql://" + member.address() + "/" + config.database());
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
    // A member may be down when its pool is created; never fail or block here.
    hc.setInitializationFailTimeout(-1);
    this.pool = new HikariDataSource(hc);
  }

  String name() {
    return name;
  }

  String address() {
    return address;
  }

  /** Borrows a connection, waiting at most the pool's connection timeout. */
  Connection borrow() throws SQLException {
    return pool.getConnection();
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
