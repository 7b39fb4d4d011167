package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.pgha.jdbc.Member;
import io.pgha.jdbc.PghaDataSourceConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HikariCP pool of one member's PostgreSQL server, with the circuit breaker that keeps reads
 * away from it while it keeps failing. Creating a pool does no I/O: connections are opened on first
 * borrow.
 */
final class MemberPool implements AutoCloseable {

  private final String name;
  private final String address;
  private final HikariDataSource pool;
  private final CircuitBreaker breaker;
  private volatile long absentSinceNanos = -1;

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
    for (Map.Entry<String, String> e : config.connectionProperties().entrySet()) {
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
    this.breaker =
        CircuitBreaker.of(
            hc.getPoolName(),
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .permittedNumberOfCallsInHalfOpenState(1)
                .waitDurationInOpenState(config.replicaCircuitOpenDuration())
                .recordExceptions(SQLException.class)
                .build());
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

  /**
   * Borrows a connection for read-only work if the circuit allows, and records the outcome.
   *
   * @return the connection, or null when the circuit is open
   * @throws SQLException when the borrow failed (recorded as a failure)
   */
  Connection borrowGuarded() throws SQLException {
    if (!breaker.tryAcquirePermission()) {
      return null;
    }
    long start = System.nanoTime();
    try {
      Connection c = pool.getConnection();
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return c;
    } catch (SQLException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  /** True when the circuit lets a read through. */
  boolean isCallPermitted() {
    return breaker.getState() != CircuitBreaker.State.OPEN
        && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
  }

  /** The server broke a connection under a caller: stop sending reads here for a while. */
  void markBroken() {
    if (breaker.getState() != CircuitBreaker.State.OPEN) {
      breaker.transitionToOpenState();
    }
  }

  CircuitBreaker.State circuitState() {
    return breaker.getState();
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
