package io.pgha.core.postgres;

import io.pgha.core.config.ReplicaMethod;
import io.pgha.core.postgres.PostgresControlException.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A custom method of Patroni's {@code create_replica_methods}: runs the method's command into the
 * data directory, with the arguments Patroni 3.0.2 passes ({@code --key=value} for each key of the
 * method's section, then {@code --scope}, {@code --role=replica}, {@code --datadir} and {@code
 * --connstring} unless {@code no_params}). The connection string names the member cloned (empty
 * without one) and never a password: the replication password is in a 0600 file named by {@code
 * PGPASSFILE}, which libpq and the backup tools read. The command runs as the PostgreSQL OS user,
 * in the member's working directory, with a scrubbed environment, and is killed with every process
 * it started when it outlives the request's timeout. Its output is logged.
 */
final class CommandReplicaCreator implements ReplicaCreator {
  private static final Logger LOG = LoggerFactory.getLogger(CommandReplicaCreator.class);

  /** The output logged after the command ends: its end, where the errors are. */
  static final int LOGGED_OUTPUT_CHARS = 16_384;

  private final ReplicaMethod method;
  private final String scope;
  private final Path workingDirectory;

  CommandReplicaCreator(ReplicaMethod method, String scope, Path workingDirectory) {
    if (method.command().isEmpty()) {
      throw new IllegalArgumentException("replica method " + method.name() + " has no command");
    }
    this.method = method;
    this.scope = scope;
    this.workingDirectory = workingDirectory;
  }

  @Override
  public String name() {
    return method.name();
  }

  @Override
  public boolean worksWithoutLeader() {
    return method.noLeader();
  }

  @Override
  public boolean keepsData() {
    return method.keepData();
  }

  @Override
  public boolean createsDataDirectory() {
    return true;
  }

  @Override
  public void createReplica(CloneRequest request) {
    RoleCredentials role = request.replication();
    // Without a member to copy from there is nothing to log in to, as in Patroni: no password file.
    try (SecretFile passFile =
        request.source() == null
            ? SecretFile.none()
            : SecretFile.passFile(role, request.tools().runAs())) {
      Map<String, String> env = new HashMap<>();
      if (passFile.path() != null) {
        env.put("PGPASSFILE", passFile.path().toString());
      }
      List<String> command = arguments(request);
      LOG.info("[{}] running replica method {}: {}", request.memberName(), method.name(), command);
      CommandResult result = request.tools().run(command, env, request.timeout(), workingDirectory);
      logOutput(LOG, request.memberName(), "replica method " + method.name(), result);
      if (!result.succeeded()) {
        throw new PostgresControlException(
            Kind.CLONE_FAILED,
            "replica method "
                + method.name()
                + (result.timedOut()
                    ? " was killed after "
                        + request.timeout().toSeconds()
                        + "s"
                        + " (postgresql.create_replica_timeout)"
                    : "")
                + " into "
                + request.dataDir()
                + " failed: "
                + result.describe());
      }
    }
  }

  /** The command line: Patroni's, with its arguments in Patroni's order. */
  List<String> arguments(CloneRequest request) {
    List<String> command = new ArrayList<>(method.command());
    command.addAll(method.optionArguments());
    if (!method.noParams()) {
      command.add("--scope=" + scope);
      command.add("--role=replica");
      command.add("--datadir=" + request.dataDir());
      command.add("--connstring=" + connstring(request));
    }
    return command;
  }

  /**
   * Patroni's {@code --connstring}: {@code dbname user host port} and the TLS keywords of the
   * replication role, never the password; empty without a member to copy from.
   */
  static String connstring(CloneRequest request) {
    if (request.source() == null) {
      return "";
    }
    return patroniDsn(request.replication(), request.source().host(), request.source().port());
  }

  /**
   * Patroni's {@code format_dsn} with the database: {@code dbname user host port} and the role's
   * TLS keywords, never the password (the caller names a password file in {@code PGPASSFILE}).
   */
  static String patroniDsn(RoleCredentials role, String host, int port) {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "dbname",
                "postgres",
                "user",
                role.name(),
                "host",
                host,
                "port",
                Integer.toString(port)));
    keys.addAll(role.security().libpqKeywords());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < keys.size(); i += 2) {
      if (out.length() > 0) {
        out.append(' ');
      }
      // Patroni's escaping: a backslash before quotes, backslashes and blanks.
      out.append(keys.get(i))
          .append('=')
          .append(keys.get(i + 1).replaceAll("(['\\\\ ])", "\\\\$1"));
    }
    return out.toString();
  }

  /** Logs the end of a command's output (where the errors are), if it wrote any. */
  static void logOutput(Logger log, String member, String what, CommandResult result) {
    String output = result.output().strip();
    if (output.isEmpty()) {
      return;
    }
    if (output.length() > LOGGED_OUTPUT_CHARS) {
      output = "..." + output.substring(output.length() - LOGGED_OUTPUT_CHARS);
    }
    log.info("[{}] {} output:\n{}", member, what, output);
  }

  @Override
  public String toString() {
    return "replica method " + method.name();
  }
}
