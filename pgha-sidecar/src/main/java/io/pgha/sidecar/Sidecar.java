package io.pgha.sidecar;

import io.pgha.core.PghaAgent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * </pre>
 *
 * <p>SIGTERM (and Ctrl-C) stop the member cleanly: PostgreSQL is stopped and the leader key is
 * released, so that a replica takes over at once.
 */
public final class Sidecar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

  /** Exit status when the configuration is unusable (and for bad command lines). */
  public static final int EXIT_CONFIG = ConfigFileException.EXIT_STATUS;

  /** Exit status when the member could not start (etcd, the API port, PostgreSQL). */
  public static final int EXIT_START_FAILED = 1;

  private static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: java -jar pgha-sidecar.jar <config.yml>",
          "       java -jar pgha-sidecar.jar validate <config.yml>",
          "       java -jar pgha-sidecar.jar haproxy-config [--bind ADDR] [--ports P,R,D,O]"
              + " <config.yml>",
          "The file uses Patroni's format; PATRONI_* environment variables override it.");

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
    Objects.requireNonNull(config, "config");
    config.warnings().forEach(w -> LOG.warn("{}: {}", config.file(), w));
    PghaAgent agent = config.newAgent();
    LOG.info(
        "[{}] starting member of cluster {} (etcd {}, API {})",
        config.pgha().name(),
        config.pgha().scope(),
        config.pgha().etcd().endpoints(),
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

  /** Stops PostgreSQL and releases leadership; idempotent. */
  @Override
  public void close() {
    try {
      if (agent.isRunning()) {
        LOG.info("[{}] stopping: handing leadership over", config.pgha().name());
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

  /** The command line entry point. */
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
    List<String> words = new ArrayList<>(List.of(args));
    if (words.isEmpty() || words.contains("-h") || words.contains("--help")) {
      (words.isEmpty() ? err : out).println(USAGE);
      return words.isEmpty() ? EXIT_CONFIG : 0;
    }
    String command = words.get(0);
    try {
      switch (command) {
        case "validate":
          return validate(words.subList(1, words.size()), out, err, env);
        case "haproxy-config":
          return haproxyConfig(words.subList(1, words.size()), out, err, env);
        case "run":
          return runMember(words.subList(1, words.size()), err, env, block);
        default:
          return runMember(words, err, env, block);
      }
    } catch (ConfigFileException e) {
      err.println(e.getMessage());
      return EXIT_CONFIG;
    } catch (UsageException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return EXIT_CONFIG;
    }
  }

  private static int validate(
      List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
    SidecarConfig config = readConfig(oneFile(args), env);
    config.warnings().forEach(w -> err.println(config.file() + ": warning: " + w));
    out.println(
        config.file()
            + ": OK: member "
            + config.pgha().name()
            + " of cluster "
            + config.pgha().scope()
            + " at "
            + config.pgha().clusterPrefix()
            + (config.warnings().isEmpty() ? "" : " (" + config.warnings().size() + " warnings)"));
    return 0;
  }

  private static int haproxyConfig(
      List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
    String bind = "*";
    HaproxyConfig.Ports ports = HaproxyConfig.Ports.PIGSTY;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--bind") && i + 1 < args.size()) {
        bind = args.get(++i);
      } else if (a.equals("--ports") && i + 1 < args.size()) {
        ports = ports(args.get(++i));
      } else {
        rest.add(a);
      }
    }
    SidecarConfig config = readConfig(oneFile(rest), env);
    config.warnings().forEach(w -> err.println(config.file() + ": warning: " + w));
    out.print(
        ClusterMembers.haproxyConfig(
                config, bind, ports, w -> err.println(config.file() + ": warning: " + w))
            .render());
    out.flush();
    return 0;
  }

  private static HaproxyConfig.Ports ports(String text) {
    String[] parts = text.split(",");
    if (parts.length != 4) {
      throw new UsageException(
          "--ports (" + text + ") must list four ports: primary,replica,default,offline");
    }
    int[] p = new int[4];
    for (int i = 0; i < 4; i++) {
      try {
        p[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        p[i] = -1;
      }
      if (p[i] < 1 || p[i] > 65535) {
        throw new UsageException("--ports (" + text + ") must be four ports from 1 to 65535");
      }
    }
    return new HaproxyConfig.Ports(p[0], p[1], p[2], p[3]);
  }

  private static int runMember(
      List<String> args, PrintStream err, Map<String, String> env, boolean block) {
    SidecarConfig config = readConfig(oneFile(args), env);
    Sidecar sidecar;
    try {
      sidecar = run(config);
    } catch (RuntimeException | LinkageError e) {
      LOG.error("[{}] could not start: {}", config.pgha().name(), e.getMessage(), e);
      err.println(config.pgha().name() + ": could not start: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    if (!block) {
      return 0;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "pgha-sidecar-shutdown"));
    try {
      sidecar.awaitStop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sidecar.close();
    }
    return 0;
  }

  private static Path oneFile(List<String> args) {
    if (args.size() != 1) {
      throw new UsageException("expected one configuration file, got " + args);
    }
    Path file = Path.of(args.get(0));
    if (!Files.isRegularFile(file)) {
      throw new ConfigFileException(file.toString(), List.of("no such file"));
    }
    return file;
  }

  /** A command line that makes no sense. */
  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
