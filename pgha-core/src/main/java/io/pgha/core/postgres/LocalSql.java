package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL on the local server (and the connections the other rooms open, to it or to a leader): the
 * status probe, application sessions, the server version. Every connection has a connect timeout
 * and, unless the caller asks for none, a socket timeout, so no call waits on a hung server
 * forever.
 */
final class LocalSql {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSql.class);
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();
  private static final int PROBE_SOCKET_TIMEOUT_SECONDS = 5;

  private final PostgresConfig config;
  private final BooleanSupplier running;
  private final ProbeConnection probeConnection;

  /**
   * @param running whether a postmaster runs (the probe does not connect when none does)
   */
  LocalSql(PostgresConfig config, BooleanSupplier running) {
    this.config = config;
    this.running = running;
    this.probeConnection = new ProbeConnection(config.name(), this::connectForProbe);
  }

  /** Reads the server's state now; never throws for a stopped or unreachable server. */
  PostgresStatus probe() {
    if (!running.getAsBoolean()) {
      return PostgresStatus.notAnswering(false);
    }
    try {
      return onProbeSession(StatusQuery::read);
    } catch (SQLException e) {
      LOG.debug("{}: status probe failed: {}", config.name(), e.getMessage());
      return PostgresStatus.notAnswering(running.getAsBoolean());
    }
  }

  /**
   * Runs {@code query} on the status probe's kept session (see {@link ProbeConnection}): for the
   * reads the HA loop repeats every cycle.
   */
  <T> T onProbeSession(ProbeConnection.Query<T> query) throws SQLException {
    return probeConnection.run(query);
  }

  /** Closes the probe's kept connection (the agent stops); a later probe keeps none. */
  void close() {
    probeConnection.close();
  }

  /** Whether the server answers a query now. */
  boolean answers() throws SQLException {
    try (Connection c = connect(PROBE_SOCKET_TIMEOUT_SECONDS);
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return true;
    }
  }

  int applicationTransactions() {
    try (Connection c = connect(PROBE_SOCKET_TIMEOUT_SECONDS)) {
      return ClientSessions.inTransaction(c);
    } catch (SQLException e) {
      throw failure("counting application transactions", e);
    }
  }

  int terminateApplicationSessions() {
    try (Connection c = connect(PROBE_SOCKET_TIMEOUT_SECONDS)) {
      return ClientSessions.terminateAll(c);
    } catch (SQLException e) {
      throw failure("ending application sessions", e);
    }
  }

  int serverVersion() {
    try (Connection c = connect(PROBE_SOCKET_TIMEOUT_SECONDS);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw failure("reading the server version", e);
    }
  }

  /** A superuser connection to the local server (0: no socket timeout); the caller closes it. */
  Connection connect(int socketTimeoutSeconds) throws SQLException {
    return connect(config.localHost(), config.port(), config.superuser(), socketTimeoutSeconds);
  }

  /** A superuser connection to {@code database} on the local server; the caller closes it. */
  Connection connectTo(String database, int socketTimeoutSeconds) throws SQLException {
    return connect(
        config.localHost(),
        config.port(),
        database,
        config.superuser(),
        socketTimeoutSeconds,
        "pgha-" + config.name());
  }

  /**
   * A connection to database {@code postgres} on any server, as {@code role}, with the role's TLS
   * settings.
   */
  Connection connect(String host, int port, RoleCredentials role, int socketTimeoutSeconds)
      throws SQLException {
    return connect(host, port, "postgres", role, socketTimeoutSeconds, "pgha-" + config.name());
  }

  /** The status probe's own session, named apart so that an operator sees what it is. */
  private Connection connectForProbe() throws SQLException {
    return connect(
        config.localHost(),
        config.port(),
        "postgres",
        config.superuser(),
        PROBE_SOCKET_TIMEOUT_SECONDS,
        "pgha-" + config.name() + "-probe");
  }

  private Connection connect(
      String host,
      int port,
      String database,
      RoleCredentials role,
      int socketTimeoutSeconds,
      String application)
      throws SQLException {
    Properties props = role.security().jdbcProperties();
    props.setProperty("user", role.name());
    props.setProperty("password", role.password());
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    props.setProperty("ApplicationName", application);
    return DRIVER.connect(url(host, port, database), props);
  }

  /**
   * A physical replication connection to the local server as the replication role (for {@code
   * IDENTIFY_SYSTEM}).
   */
  Connection connectForReplication() throws SQLException {
    Properties props = config.replication().security().jdbcProperties();
    props.setProperty("user", config.replication().name());
    if (config.replication().password() != null) {
      props.setProperty("password", config.replication().password());
    }
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "10");
    props.setProperty("replication", "true");
    props.setProperty("assumeMinServerVersion", "9.4");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("ApplicationName", "pgha-" + config.name() + "-identify");
    return DRIVER.connect(url(config.localHost(), config.port()), props);
  }

  private static String url(String host, int port) {
    return url(host, port, "postgres");
  }

  private static String url(String host, int port, String database) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://"
        + h
        + ":"
        + port
        + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8);
  }

  /** SQL_FAILED naming the action and this member. */
  PostgresControlException failure(String action, SQLException e) {
    return new PostgresControlException(
        Kind.SQL_FAILED, action + " on " + config.name() + " failed: " + e.getMessage(), e);
  }
}
