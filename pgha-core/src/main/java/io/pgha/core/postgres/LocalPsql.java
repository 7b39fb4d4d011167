package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL through {@code psql} as the superuser over the Unix-domain socket (TCP to the local address
 * when no socket directory is configured), authenticated by {@code pg_hba.conf}'s {@code local}
 * lines ({@code trust} or {@code peer}) or, failing that, by the configured password. For a cluster
 * a custom bootstrap made, whose passwords this member does not know yet; everything else goes
 * through {@link LocalSql}. The script is a file readable by the PostgreSQL user only (it may hold
 * password verifiers), never a command-line argument.
 */
final class LocalPsql {
  private final PostgresConfig config;
  private final PostgresTools tools;

  LocalPsql(PostgresConfig config, PostgresTools tools) {
    this.config = config;
    this.tools = tools;
  }

  /**
   * Runs {@code script} in one session, stopping at the first error.
   *
   * @throws PostgresControlException SQL_FAILED naming the error (not the script)
   */
  String run(String script, Duration timeout) {
    CommandResult result = tryRun(script, timeout);
    if (!result.succeeded()) {
      throw new PostgresControlException(
          Kind.SQL_FAILED,
          "psql as "
              + config.superuser().name()
              + " on "
              + where()
              + " failed: "
              + result.describe());
    }
    return result.output().strip();
  }

  /** Whether the server is in recovery; empty while it does not answer. */
  Optional<Boolean> inRecovery() {
    CommandResult r = tryRun("SELECT pg_is_in_recovery();", Duration.ofSeconds(10));
    if (!r.succeeded()) {
      return Optional.empty();
    }
    String out = r.output().strip();
    return out.endsWith("t")
        ? Optional.of(true)
        : out.endsWith("f") ? Optional.of(false) : Optional.empty();
  }

  private CommandResult tryRun(String script, Duration timeout) {
    try (SecretFile file = SecretFile.create(script, tools.runAs());
        SecretFile passFile = SecretFile.passFile(config.superuser(), tools.runAs())) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  tools.binary("psql").toString(),
                  "--no-psqlrc",
                  "--no-password",
                  "--quiet",
                  "--tuples-only",
                  "--no-align",
                  "--set=ON_ERROR_STOP=1",
                  "--host=" + where(),
                  "--port=" + config.port(),
                  "--username=" + config.superuser().name(),
                  "--dbname=postgres",
                  "--file=" + file.path()));
      Map<String, String> env =
          passFile.path() == null
              ? Map.of("PGCONNECT_TIMEOUT", "5")
              : Map.of("PGCONNECT_TIMEOUT", "5", "PGPASSFILE", passFile.path().toString());
      return tools.run(command, env, timeout);
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.SQL_FAILED, "could not write the script for psql: " + e.getMessage(), e);
    }
  }

  private String where() {
    return config.socketDirectory() != null
        ? config.socketDirectory().toString()
        : config.localHost();
  }
}
