package io.pgha.sidecar;

import io.pgha.core.PghaAgent;
import io.pgha.core.api.ActionResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pgha sidecar: one pgha agent next to one PostgreSQL server, configured with Patroni's YAML.
 *
 * <pre>
 * java -jar pgha-sidecar.jar &lt;config.yml&gt;                 run the member
 * java -jar pgha-sidecar.jar validate &lt;config.yml&gt;        check the file (exit 0, or 2)
 * java -jar pgha-sidecar.jar haproxy-config [--bind ADDR] [--ports P,R,D,O] &lt;config.yml&gt;
 * java -jar pgha-sidecar.jar --help | --version
 * </pre>
 *
 * <p>SIGTERM (and Ctrl-C) stop the member cleanly: PostgreSQL is stopped and the leader key is
 * released, so that a replica takes over at once; while the cluster is paused, PostgreSQL is left
 * running, as Patroni leaves it. SIGHUP reads the file again ({@link #reload()}).
 */
public final class Sidecar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

  /** Exit status when the configuration is unusable (and for bad command lines). */
  public static final int EXIT_CONFIG = SidecarCommandLine.CONFIG_ERROR;

  /** Exit status when the member could not start (etcd, the API port, PostgreSQL). */
  public static final int EXIT_START_FAILED = SidecarCommandLine.START_FAILED;

  private final SidecarConfig config;
  private final PghaAgent agent;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Sidecar(SidecarConfig config, PghaAgent agent) {
    this.config = config;
    this.agent = agent;
  }

  /**
   * Reads a Patroni configuration file, {@code PATRONI_*} variables of {@code environment}
   * overriding it.
   *
   * @throws ConfigFileException naming the line, key, value and rule of every problem
   */
  public static SidecarConfig readConfig(Path file, Map<String, String> environment) {
    return PatroniConfigReader.read(file, environment);
  }

  /**
   * Starts the member: connects to etcd, starts the HTTP API and the HA loop. Returns at once;
   * {@link #close()} stops it and hands leadership over.
   */
  public static Sidecar run(SidecarConfig config) {
    return run(config, Map.of());
  }

  /**
   * Starts the member as {@link #run(SidecarConfig)} does; {@code POST /reload} and {@link
   * #reload()} read the file again with the {@code PATRONI_*} variables of {@code environment}.
   */
  public static Sidecar run(SidecarConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config");
    config.warnings().forEach(w -> LOG.warn("{}: {}", config.file(), w));
    Path file = Path.of(config.file());
    Map<String, String> env = Map.copyOf(environment);
    PghaAgent agent = config.newAgent(() -> readConfig(file, env).pgha());
    LOG.info(
        "[{}] starting member of cluster {} (etcd {}, API {})",
        config.pgha().name(),
        config.pgha().scope(),
        config
            .pgha()
            .etcd()
            .srvIfSet()
            .map(
                srv ->
                    "SRV records of " + srv.domain() + ", else " + config.pgha().etcd().endpoints())
            .orElse(String.valueOf(config.pgha().etcd().endpoints())),
        config.pgha().restApi().listen());
    agent.start();
    return new Sidecar(config, agent);
  }

  /** The running agent. */
  public PghaAgent agent() {
    return agent;
  }

  public SidecarConfig config() {
    return config;
  }

  /**
   * Reads the file again and applies what may change while the member runs (the tags), then has
   * PostgreSQL reload its configuration: Patroni's SIGHUP. A file with problems is refused and the
   * configuration in use stays; the log says why.
   */
  public void reload() {
    if (agent.isRunning()) {
      LOG.info("[{}] reloading: reading {} again", config.pgha().name(), config.file());
      ActionResult result = agent.reload();
      LOG.info("[{}] reload: {}", config.pgha().name(), result.message());
    }
  }

  /** Stops PostgreSQL and releases leadership; idempotent. */
  @Override
  public void close() {
    try {
      if (agent.isRunning()) {
        LOG.info("[{}] stopping", config.pgha().name());
        agent.stop();
      }
    } finally {
      stopped.countDown();
    }
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * The command line entry point: {@code pgha-sidecar <patroni.yml>} runs the member (as {@code
   * patroni <patroni.yml>} does); {@code --help} lists the commands and the exit statuses.
   */
  public static void main(String[] args) {
    int status = execute(args, System.out, System.err, System.getenv(), true);
    System.exit(status);
  }

  /**
   * Runs a command line. {@code validate} and {@code haproxy-config} return when done; running a
   * member blocks until the JVM shuts down (when {@code block}) or returns 0 once started.
   */
  static int execute(
      String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean block) {
    return SidecarCommandLine.execute(args, out, err, env, block);
  }
}
