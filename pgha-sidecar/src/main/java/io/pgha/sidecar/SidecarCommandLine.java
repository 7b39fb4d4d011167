package io.pgha.sidecar;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * The sidecar's command line, parsed by picocli. {@code pgha-sidecar <patroni.yml>} runs the
 * member, as {@code patroni <patroni.yml>} does; {@code validate} and {@code haproxy-config} read
 * the same file and return. The exit status is {@link #OK}, {@link #START_FAILED} or {@link
 * #CONFIG_ERROR}.
 */
final class SidecarCommandLine {
  private static final Logger LOG = LoggerFactory.getLogger(SidecarCommandLine.class);

  /**
   * Done. A running member stopped by SIGTERM leaves with the JVM's 143 (128 + 15) instead, once it
   * has stopped PostgreSQL and handed leadership over.
   */
  static final int OK = 0;

  /** The member could not start (etcd, the API port, PostgreSQL), or an unexpected error. */
  static final int START_FAILED = 1;

  /** The configuration file is unusable, or the command line makes no sense. */
  static final int CONFIG_ERROR = ConfigFileException.EXIT_STATUS;

  private SidecarCommandLine() {}

  /** Runs a command line; see {@link Sidecar#execute}. */
  static int execute(
      String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean block) {
    Context context = new Context(out, err, env, block);
    CommandLine cli =
        new CommandLine(new RunMember(context, true))
            .addSubcommand("validate", new Validate(context))
            .addSubcommand("haproxy-config", new HaproxyConfigCommand(context))
            .addSubcommand("run", new RunMember(context, false));
    // What every command shares: --help, --version and the heading of its exit statuses.
    List<CommandLine> commands = new ArrayList<>(cli.getSubcommands().values());
    commands.add(cli);
    for (CommandLine command : commands) {
      command.getCommandSpec().mixinStandardHelpOptions(true).versionProvider(new Version());
      command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n");
    }
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExitCodeExceptionMapper(
        e ->
            e instanceof ConfigFileException || e instanceof ParameterException
                ? CONFIG_ERROR
                : START_FAILED);
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof ConfigFileException) {
            command.getErr().println(e.getMessage());
            return CONFIG_ERROR;
          }
          if (e instanceof ParameterException bad) {
            // Raised by a command that found its arguments incomplete: the same as a parse error.
            return command.getParameterExceptionHandler().handleParseException(bad, args);
          }
          throw e;
        });
    return cli.execute(args);
  }

  /** What every command writes to and reads from. */
  private record Context(PrintStream out, PrintStream err, Map<String, String> env, boolean block) {

    SidecarConfig read(Path file) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigFileException(file.toString(), List.of("no such file"));
      }
      SidecarConfig config = Sidecar.readConfig(file, env);
      config.warnings().forEach(w -> err.println(config.file() + ": warning: " + w));
      return config;
    }
  }

  /** The top command (when {@code topLevel}) and {@code run}: runs the member. */
  @Command(
      name = "pgha-sidecar",
      usageHelpAutoWidth = true,
      description =
          "Runs one pgha member next to one PostgreSQL server, configured with Patroni's YAML"
              + " (PATRONI_* environment variables override the file). SIGTERM or Ctrl-C stop"
              + " PostgreSQL and hand leadership over at once; SIGHUP reads the file again"
              + " (the tags change at once).",
      exitCodeList = {
        "0:done (--help, --version, a command)",
        "1:the member could not start (etcd, the API port, PostgreSQL)",
        "2:the configuration file is unusable, or a bad command line",
        "143:a running member stopped by SIGTERM, after a clean stop (130: Ctrl-C)"
      })
  private static final class RunMember implements Callable<Integer> {
    private final Context context;
    private final boolean topLevel;

    @Parameters(
        arity = "0..1",
        paramLabel = "<patroni.yml>",
        description = "the member's configuration, in Patroni's format")
    private Path file;

    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    RunMember(Context context, boolean topLevel) {
      this.context = context;
      this.topLevel = topLevel;
    }

    @Override
    public Integer call() {
      if (file == null) {
        throw new ParameterException(
            spec.commandLine(),
            topLevel
                ? "expected a configuration file or a command"
                : "expected one configuration file");
      }
      SidecarConfig config = context.read(file);
      Sidecar sidecar;
      try {
        sidecar = Sidecar.run(config, context.env());
      } catch (RuntimeException | LinkageError e) {
        LOG.error("[{}] could not start: {}", config.pgha().name(), e.getMessage(), e);
        context.err().println(config.pgha().name() + ": could not start: " + e.getMessage());
        return START_FAILED;
      }
      if (!context.block()) {
        return OK;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "pgha-sidecar-shutdown"));
      reloadOnHangup(sidecar);
      try {
        sidecar.awaitStop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        sidecar.close();
      }
      return OK;
    }
  }

  /**
   * SIGHUP reads the configuration file again, as it makes Patroni do (and as {@code systemctl
   * reload} sends it); the JVM's own meaning of SIGHUP, shutting down, would stop the member.
   */
  @SuppressWarnings("restriction")
  private static void reloadOnHangup(Sidecar sidecar) {
    try {
      sun.misc.SignalHandler before =
          sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> sidecar.reload());
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        // Started with SIGHUP ignored (nohup, some supervisors): the JVM keeps it ignored.
        LOG.warn(
            "SIGHUP is ignored in this process (started under nohup?): it will not reload the"
                + " configuration; use POST /reload or patronictl reload");
      }
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // -Xrs, or a platform without SIGHUP: the signal keeps its default meaning.
      LOG.warn("SIGHUP cannot be used to reload the configuration here: {}", e.getMessage());
    }
  }

  @Command(
      name = "validate",
      description = "Reads the file as the member would and says what is wrong, touching nothing.",
      exitCodeList = {"0:the file is usable (warnings go to stderr)", "2:it is not"})
  private static final class Validate extends FileCommand {
    Validate(Context context) {
      super(context);
    }

    @Override
    int call(SidecarConfig config) {
      out()
          .println(
              config.file()
                  + ": OK: member "
                  + config.pgha().name()
                  + " of cluster "
                  + config.pgha().scope()
                  + " at "
                  + config.pgha().clusterPrefix()
                  + (config.warnings().isEmpty()
                      ? ""
                      : " (" + config.warnings().size() + " warnings)"));
      return OK;
    }
  }

  @Command(
      name = "haproxy-config",
      description =
          "Prints an HAProxy configuration for the cluster's members: those in etcd, or this"
              + " file's member alone when etcd cannot be read.",
      exitCodeList = {"0:printed", "2:the file is unusable, or a bad option"})
  private static final class HaproxyConfigCommand extends FileCommand {
    @Option(
        names = "--bind",
        paramLabel = "ADDR",
        defaultValue = "*",
        description = "the address HAProxy listens on (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(
        names = "--ports",
        paramLabel = "P,R,D,O",
        converter = PortsConverter.class,
        description = "primary, replica, default and offline ports (default: 5433,5434,5436,5438)")
    private HaproxyConfig.Ports ports = HaproxyConfig.Ports.PIGSTY;

    @Option(
        names = "--fast-checks",
        description =
            "check every 500 ms (250 ms while a server changes state, 1 s timeout), up after one"
                + " answer and down after two failures, to follow the fast takeover of"
                + " synchronous mode (default: Pigsty's 3 s, up and down after three)")
    private boolean fastChecks;

    HaproxyConfigCommand(Context context) {
      super(context);
    }

    @Override
    int call(SidecarConfig config) {
      out()
          .print(
              ClusterMembers.haproxyConfig(
                      config,
                      bind,
                      ports,
                      fastChecks ? HaproxyConfig.Checks.FAST : HaproxyConfig.Checks.PIGSTY,
                      w -> err().println(config.file() + ": warning: " + w))
                  .render());
      out().flush();
      return OK;
    }
  }

  /** A command that reads one configuration file, then does its job with it. */
  private abstract static class FileCommand implements Callable<Integer> {
    private final Context context;

    @Parameters(paramLabel = "<patroni.yml>", description = "a member's configuration")
    private Path file;

    FileCommand(Context context) {
      this.context = context;
    }

    @Override
    public final Integer call() {
      return call(context.read(file));
    }

    abstract int call(SidecarConfig config);

    PrintStream out() {
      return context.out();
    }

    PrintStream err() {
      return context.err();
    }
  }

  /** {@code P,R,D,O}: four ports from 1 to 65535. */
  static final class PortsConverter implements ITypeConverter<HaproxyConfig.Ports> {
    @Override
    public HaproxyConfig.Ports convert(String text) {
      String[] parts = text.split(",", -1);
      if (parts.length != 4) {
        throw new TypeConversionException(
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
          throw new TypeConversionException(
              "--ports (" + text + ") must be four ports from 1 to 65535");
        }
      }
      return new HaproxyConfig.Ports(p[0], p[1], p[2], p[3]);
    }
  }

  /** The version the build wrote into {@code version.properties}, and the JVM's. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "pgha-sidecar " + version(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ", "
            + System.getProperty("java.vendor")
            + ")"
      };
    }

    static String version() {
      Properties p = new Properties();
      try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // No version file (an IDE run without the build's resources): say so below.
      }
      return p.getProperty("version", "unknown");
    }
  }
}
