package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's {@code bootstrap.post_bootstrap} (or {@code post_init}): run once on the new cluster,
 * as the PostgreSQL OS user, in the member's working directory, with Patroni 3.0.2's argument: a
 * connection string for the superuser ({@code dbname user host port} and its TLS keywords, never
 * the password), the password in a 0600 file named by {@code PGPASSFILE}, and {@code PGOPTIONS}
 * asking for {@code synchronous_commit=local} (no synchronous standby exists yet). Its output is
 * logged; a non-zero exit, or outliving its time limit (it is then killed with every process it
 * started), fails the bootstrap.
 */
final class PostBootstrapScript {
  private static final Logger LOG = LoggerFactory.getLogger(PostBootstrapScript.class);

  private final PostgresConfig config;
  private final PostgresTools tools;

  PostBootstrapScript(PostgresConfig config, PostgresTools tools) {
    this.config = config;
    this.tools = tools;
  }

  /**
   * Runs the script, if one is configured.
   *
   * @throws PostgresControlException INITDB_FAILED when it exits non-zero or is killed
   */
  void run() {
    List<String> script = config.afterBootstrap().script();
    if (script.isEmpty()) {
      return;
    }
    Duration timeout = config.afterBootstrap().scriptTimeout();
    List<String> command = new ArrayList<>(script);
    command.add(connstring());
    try (SecretFile passFile = SecretFile.passFile(config.superuser(), tools.runAs())) {
      Map<String, String> env = new HashMap<>();
      if (passFile.path() != null) {
        env.put("PGPASSFILE", passFile.path().toString());
      }
      env.put("PGOPTIONS", "-c synchronous_commit=local");
      LOG.info("[{}] running post_bootstrap: {}", config.name(), command);
      CommandResult result = tools.run(command, env, timeout, Path.of("").toAbsolutePath());
      CommandReplicaCreator.logOutput(LOG, config.name(), "post_bootstrap", result);
      if (!result.succeeded()) {
        throw new PostgresControlException(
            Kind.INITDB_FAILED,
            "bootstrap.post_bootstrap failed, so the bootstrap fails: "
                + result.describe()
                + (result.timedOut() ? " (killed after " + timeout.toSeconds() + "s)" : ""));
      }
      LOG.info("[{}] post_bootstrap script {} succeeded", config.name(), script.get(0));
    }
  }

  /** The script's last argument: the superuser's connection to the local server. */
  String connstring() {
    return CommandReplicaCreator.patroniDsn(config.superuser(), config.localHost(), config.port());
  }
}
