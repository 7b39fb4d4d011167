package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pgha.jdbc.topology.Member;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The HikariCP pool of one member's PostgreSQL server, with the read circuit that keeps reads away
 * from it after a read failed there. Creating a pool does no I/O: connections are opened on first
 * borrow.
 *
 * <p>The read circuit is a Resilience4j {@link CircuitBreaker} in the configured registry, so that
 * it is reported like the application's own; routing drives its state (open on a failed read,
 * closed when a background check reaches the server) and records no calls, so it never lets a trial
 * read through: a half-open probe would cost a caller's read on a hung server.
 */
final class MemberPool implements AutoCloseable {

  private final String name;
  private final String address;
  private final HikariDataSource pool;
  private final CircuitBreakerRegistry circuits;
  private final CircuitBreaker readCircuit;
  private volatile long absentSinceNanos = -1;
  private volatile boolean unreachable;

  /** Only manual transitions: the registry's default config could open or close it by itself. */
  private static final CircuitBreakerConfig READ_CIRCUIT =
      CircuitBreakerConfig.custom().automaticTransitionFromOpenToHalfOpenEnabled(false).build();

  /** How long a borrow waits while the server cannot be reached. */
  static final long UNREACHABLE_BORROW_MILLIS = 50;

  MemberPool(Member member, MemberPoolSettings config) {
    this.name = member.name();
    this.address = member.address();
    HikariConfig hc = new HikariConfig();
    String poolName = config.poolName() + "-" + member.name();
    // The host and port come from etcd or an agent's answer: given as properties, never spliced
    // into the URL, where a '/', '?' or ',' in them would add parameters or hosts.
    String jdbcUrl =
        "jdbc:postgresql:" + URLEncoder.encode(config.database(), StandardCharsets.UTF_8);
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
    // the member's key in logs and metrics; its server is the member's host and port), never blocks
    // or fails when its member is down, and an
    // idle connection's check (isValid, up to 5 s by default) never holds a borrow past the
    // connection timeout on a hung server.
    hc.setPoolName(poolName);
    hc.setJdbcUrl(jdbcUrl);
    hc.addDataSourceProperty("PGHOST", member.host());
    hc.addDataSourceProperty("PGPORT", Integer.toString(member.port()));
    hc.setInitializationFailTimeout(-1);
    hc.setValidationTimeout(Math.min(hc.getValidationTimeout(), hc.getConnectionTimeout()));
    this.pool = new HikariDataSource(hc);
    this.circuits = config.readCircuits();
    String circuitName = poolName + "-reads";
    // A member back at a new address gets a new pool while the old one is closing: the new pool's
    // circuit takes the name; the old one's stays its own until it is closed.
    circuits.remove(circuitName);
    this.readCircuit = circuits.circuitBreaker(circuitName, READ_CIRCUIT);
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

  /**
   * False while reads keep away from this member: a read on it failed because it went away, or an
   * operator forced its circuit open.
   */
  boolean takesReads() {
    CircuitBreaker.State state = readCircuit.getState();
    return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
  }

  /**
   * A read on this member failed because its server went away or did not answer: no reads here
   * until a check in the background reaches it again.
   *
   * @return true if this changed the state (it took reads until now)
   */
  synchronized boolean markReadFailed() {
    CircuitBreaker.State state = readCircuit.getState();
    if (state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.HALF_OPEN) {
      readCircuit.transitionToOpenState();
      return true;
    }
    return false;
  }

  /**
   * The background check reached the server again: reads may come back, unless the circuit was
   * forced open.
   *
   * @return true if this closed the circuit
   */
  synchronized boolean markReadable() {
    if (readCircuit.getState() == CircuitBreaker.State.OPEN) {
      readCircuit.transitionToClosedState();
      return true;
    }
    return false;
  }

  /**
   * The read circuit's state: {@code OPEN} while reads keep away after a failure, {@code CLOSED}.
   */
  String readCircuit() {
    return readCircuit.getState().name();
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
    circuits
        .find(readCircuit.getName())
        .filter(c -> c == readCircuit)
        .ifPresent(c -> circuits.remove(c.getName()));
  }
}
