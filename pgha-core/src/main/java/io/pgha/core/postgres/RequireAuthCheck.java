package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses {@code require_auth} for libpq connections when the installed tools are older than
 * PostgreSQL 16, whose libpq introduced it: libpq 15 fails every connection on an unknown keyword,
 * and for {@code primary_conninfo} that failure shows only in the server log while the replica
 * stops streaming. The agent's own connections (pgjdbc) know the setting in any case.
 */
final class RequireAuthCheck {
  private static final int FIRST_MAJOR = 16;
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

  private RequireAuthCheck() {}

  /**
   * @throws PostgresControlException MISSING_BINARY naming the setting, when the tools are too old
   */
  static void check(PostgresConfig config, PostgresTools tools) {
    for (var role :
        Map.of("replication", config.replication(), "rewind", config.rewind()).entrySet()) {
      String requireAuth = role.getValue().security().requireAuth();
      if (requireAuth == null) {
        continue;
      }
      int major = major(tools);
      if (major < FIRST_MAJOR) {
        throw new PostgresControlException(
            Kind.MISSING_BINARY,
            "postgresql.authentication."
                + role.getKey()
                + ".require_auth ("
                + requireAuth
                + ") needs PostgreSQL "
                + FIRST_MAJOR
                + " or newer: the tools in "
                + tools.binDir()
                + " are PostgreSQL "
                + major
                + ", whose libpq refuses the keyword; remove it (channel_binding=require already"
                + " refuses every method but SCRAM with channel binding) or install PostgreSQL "
                + FIRST_MAJOR
                + "+");
      }
    }
  }

  /** The major version of the installed client tools. */
  static int major(PostgresTools tools) {
    CommandResult result =
        tools.run(
            List.of(tools.binary("pg_basebackup").toString(), "--version"),
            Map.of(),
            Duration.ofSeconds(10));
    Matcher m = VERSION.matcher(result.output());
    if (!result.succeeded() || !m.find()) {
      throw new PostgresControlException(
          Kind.MISSING_BINARY, "cannot read the PostgreSQL version: " + result.describe());
    }
    return Integer.parseInt(m.group(1));
  }
}
