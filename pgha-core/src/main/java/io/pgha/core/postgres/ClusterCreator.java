package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a new cluster: initdb with the configured options, then (once it runs) the superuser's
 * password and the replication and rewind roles, set over SQL without the passwords ever being sent
 * or logged in clear text. Starting the server in between is {@link RoleChanges}' part.
 */
final class ClusterCreator {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCreator.class);
  private static final List<String> REWIND_FUNCTIONS =
      List.of(
          "pg_catalog.pg_ls_dir(text, boolean, boolean)",
          "pg_catalog.pg_stat_file(text, boolean)",
          "pg_catalog.pg_read_binary_file(text)",
          "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)");

  private final PostgresConfig config;
  private final PostgresTools tools;
  private final LocalSql sql;

  ClusterCreator(PostgresConfig config, PostgresTools tools, LocalSql sql) {
    this.config = config;
    this.tools = tools;
    this.sql = sql;
  }

  /**
   * Runs initdb into the (empty) data directory; the superuser's password reaches it through a file
   * only the PostgreSQL user can read, deleted afterwards.
   *
   * @throws PostgresControlException INITDB_FAILED
   */
  void initdb(Duration timeout) {
    Path pwfile = null;
    try {
      pwfile =
          Files.createTempFile(
              "pgha-pw",
              ".txt",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, config.superuser().password() + "\n", StandardCharsets.UTF_8);
      OsIdentity.chown(pwfile, tools.runAs());
      List<String> command =
          new ArrayList<>(
              List.of(
                  tools.binary("initdb").toString(),
                  "--pgdata=" + config.dataDir(),
                  "--username=" + config.superuser().name(),
                  "--pwfile=" + pwfile,
                  "--auth-local=peer",
                  "--auth-host=scram-sha-256"));
      command.addAll(config.initdbOptions());
      CommandResult result = tools.run(command, Map.of(), timeout);
      if (!result.succeeded()) {
        throw new PostgresControlException(
            Kind.INITDB_FAILED,
            "initdb into " + config.dataDir() + " failed: " + result.describe());
      }
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.INITDB_FAILED, "initdb into " + config.dataDir() + " failed: " + e, e);
    } finally {
      deleteQuietly(pwfile);
    }
  }

  /**
   * On the running new cluster: the superuser's password, the replication role and the rewind role
   * with the functions pg_rewind needs.
   *
   * @throws PostgresControlException SQL_FAILED
   */
  void createRoles() {
    try (Connection c = sql.connect(30)) {
      try (Statement s = c.createStatement()) {
        s.execute("SET log_statement = 'none'");
        s.execute("SET log_min_duration_statement = -1");
      }
      PGConnection pg = c.unwrap(PGConnection.class);
      setPassword(pg, config.superuser());
      RoleCredentials replication = config.replication();
      if (!replication.name().equals(config.superuser().name())) {
        ensureRole(c, replication.name(), "LOGIN REPLICATION");
        setPassword(pg, replication);
      }
      RoleCredentials rewind = config.rewind();
      if (!rewind.name().equals(config.superuser().name())) {
        ensureRole(c, rewind.name(), "LOGIN");
        setPassword(pg, rewind);
        String role = quoteIdent(rewind.name());
        try (Statement s = c.createStatement()) {
          for (String function : REWIND_FUNCTIONS) {
            s.execute("GRANT EXECUTE ON FUNCTION " + function + " TO " + role);
          }
        }
      }
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.SQL_FAILED,
          "creating the roles on " + config.name() + " failed: " + e.getMessage(),
          e);
    }
  }

  private static void ensureRole(Connection c, String name, String options) throws SQLException {
    boolean exists;
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        exists = rs.next();
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute((exists ? "ALTER" : "CREATE") + " ROLE " + quoteIdent(name) + " WITH " + options);
    }
  }

  /**
   * Sets a password as a SCRAM verifier computed in the driver: no clear text reaches the server.
   */
  private static void setPassword(PGConnection pg, RoleCredentials role) throws SQLException {
    char[] password = role.password().toCharArray();
    try {
      pg.alterUserPassword(role.name(), password, "scram-sha-256");
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("could not delete {}: {}", file, e.getMessage());
      }
    }
  }
}
