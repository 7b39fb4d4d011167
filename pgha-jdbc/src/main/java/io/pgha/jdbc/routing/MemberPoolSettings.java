package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * How each member's HikariCP pool connects and is sized. Built by the DataSource from its
 * configuration; applications configure these through {@code PghaDataSourceConfig}.
 *
 * @param poolName prefix of the pools' names and of routing's log lines
 * @param database the database every member's pool connects to
 * @param username the user, or null for pgjdbc's default
 * @param password the password, or null; never in {@link #toString()}
 * @param driverProperties pgjdbc properties of every connection
 * @param maximumPoolSize the size of a pool before its member's role is known
 * @param leaderMaximumPoolSize the size of the leader's pool
 * @param replicaMaximumPoolSize the size of a replica's pool
 * @param minimumIdle idle connections each pool keeps
 * @param connectionTimeout bound of one borrow
 * @param idleTimeout how long an idle connection stays
 * @param maxLifetime how long a connection lives
 * @param hikari adjusts the HikariCP configuration of the named member's pool after pgha's settings
 *     (the application's customizer, then metrics); pgha then restores what routing relies on
 * @param readCircuits where each member's read circuit breaker is registered, named {@code
 *     <poolName>-<member>-reads}
 */
public record MemberPoolSettings(
    String poolName,
    String database,
    String username,
    String password,
    Map<String, String> driverProperties,
    int maximumPoolSize,
    int leaderMaximumPoolSize,
    int replicaMaximumPoolSize,
    int minimumIdle,
    Duration connectionTimeout,
    Duration idleTimeout,
    Duration maxLifetime,
    BiConsumer<String, HikariConfig> hikari,
    CircuitBreakerRegistry readCircuits) {

  public MemberPoolSettings {
    Objects.requireNonNull(poolName, "poolName");
    Objects.requireNonNull(database, "database");
    driverProperties = Map.copyOf(driverProperties);
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    Objects.requireNonNull(hikari, "hikari");
    Objects.requireNonNull(readCircuits, "readCircuits");
  }

  /** Everything but the password. */
  @Override
  public String toString() {
    return "MemberPoolSettings{poolName="
        + poolName
        + ", database="
        + database
        + ", username="
        + username
        + ", maximumPoolSize="
        + maximumPoolSize
        + ", leaderMaximumPoolSize="
        + leaderMaximumPoolSize
        + ", replicaMaximumPoolSize="
        + replicaMaximumPoolSize
        + "}";
  }
}
