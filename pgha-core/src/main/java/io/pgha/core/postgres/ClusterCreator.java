package io.pgha.core.postgres;

import io.pgha.core.config.AfterBootstrap;
import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.file.Path;
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
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.util.PasswordUtil;

/**
 * Creates a new cluster: initdb with the configured options, then (once it runs) the superuser's
 * password and the replication and rewind roles, set over SQL without the passwords ever being sent
 * or logged in clear text. Starting the server in between is {@link RoleChanges}' part.
 */
final class ClusterCreator {
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
    try (SecretFile pwfile =
        SecretFile.create(config.superuser().password() + "\n", tools.runAs())) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  tools.binary("initdb").toString(),
                  "--pgdata=" + config.dataDir(),
                  "--username=" + config.superuser().name(),
                  "--pwfile=" + pwfile.path(),
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

  /**
   * Patroni's {@code bootstrap.users} on the running new cluster: each role created when missing
   * and given its options and password (as a SCRAM verifier computed here, with statement logging
   * off), except the superuser, replication and rewind roles, which are pgha's.
   *
   * @throws PostgresControlException SQL_FAILED naming the role set so far
   */
  void createUsers() {
    String statements = usersSql();
    if (statements.isEmpty()) {
      return;
    }
    try (Connection c = sql.connect(30);
        Statement s = c.createStatement()) {
      s.execute(statements);
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.SQL_FAILED,
          "creating bootstrap.users on " + config.name() + " failed: " + e.getMessage(),
          e);
    }
  }

  /** {@link #createUsers()} over psql's socket connection, for a custom bootstrap's cluster. */
  void createUsers(LocalPsql psql, Duration timeout) {
    String statements = usersSql();
    if (!statements.isEmpty()) {
      psql.run(statements, timeout);
    }
  }

  private String usersSql() {
    // The rewind role is often the superuser: a set that accepts the same name twice.
    Set<String> ours =
        new java.util.HashSet<>(
            List.of(
                config.superuser().name(), config.replication().name(), config.rewind().name()));
    StringBuilder sql = new StringBuilder();
    for (AfterBootstrap.BootstrapUser user : config.afterBootstrap().users()) {
      String name = user.credentials().username();
      if (ours.contains(name)) {
        continue;
      }
      appendRole(
          sql,
          new RoleCredentials(name, user.credentials().passwordIfSet().orElse("")),
          user.roleOptions());
    }
    return sql.isEmpty()
        ? ""
        : "SET log_statement = 'none';\nSET log_min_duration_statement = -1;\n"
            + "SET synchronous_commit = 'local';\n"
            + sql;
  }

  /**
   * Runs a custom bootstrap's command into the (empty) data directory.
   *
   * @throws PostgresControlException INITDB_FAILED naming the method and how the command ended
   */
  void runCustom(CustomBootstrap method, Duration timeout) {
    // In the member's working directory, as Patroni runs it: the command may name its script
    // relative to it.
    CommandResult result =
        tools.run(method.command(), Map.of(), timeout, Path.of("").toAbsolutePath());
    if (!result.succeeded()) {
      throw new PostgresControlException(
          Kind.INITDB_FAILED,
          "bootstrap."
              + method.name()
              + ".command into "
              + config.dataDir()
              + " failed: "
              + result.describe());
    }
  }

  /**
   * {@link #createRoles()} over psql's socket connection, for a cluster a custom bootstrap made: it
   * holds the roles of the cluster it came from, with their passwords. The superuser's, the
   * replication and the rewind roles are created when missing and given the configured passwords,
   * each sent as a SCRAM verifier computed here.
   */
  void createRoles(LocalPsql psql, Duration timeout) {
    StringBuilder sql = new StringBuilder();
    sql.append("SET log_statement = 'none';\nSET log_min_duration_statement = -1;\n");
    appendRole(sql, config.superuser(), "LOGIN SUPERUSER");
    RoleCredentials replication = config.replication();
    if (!replication.name().equals(config.superuser().name())) {
      appendRole(sql, replication, "LOGIN REPLICATION");
    }
    RoleCredentials rewind = config.rewind();
    if (!rewind.name().equals(config.superuser().name())) {
      appendRole(sql, rewind, "LOGIN");
      for (String function : REWIND_FUNCTIONS) {
        sql.append("GRANT EXECUTE ON FUNCTION ")
            .append(function)
            .append(" TO ")
            .append(quoteIdent(rewind.name()))
            .append(";\n");
      }
    }
    psql.run(sql.toString(), timeout);
  }

  private static void appendRole(StringBuilder sql, RoleCredentials role, String options) {
    String literal = "'" + role.name().replace("'", "''") + "'";
    sql.append("DO $pgha$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ")
        .append(literal)
        .append(") THEN CREATE ROLE ")
        .append(quoteIdent(role.name()))
        .append("; END IF; END $pgha$;\n")
        .append("ALTER ROLE ")
        .append(quoteIdent(role.name()))
        .append(" WITH ")
        .append(options);
    if (!role.password().isEmpty()) {
      char[] password = role.password().toCharArray();
      try {
        sql.append(" PASSWORD '").append(PasswordUtil.encodeScramSha256(password)).append('\'');
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    sql.append(";\n");
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
}
