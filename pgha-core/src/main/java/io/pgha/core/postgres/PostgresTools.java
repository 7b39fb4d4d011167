package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL binaries and a way to run them as the OS user PostgreSQL runs as. Given to {@link
 * ReplicaCreator}s so that custom strategies run their tools the same way.
 */
public final class PostgresTools {

  private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");

  private final Path binDir;
  private final OsIdentity runAs;

  PostgresTools(Path binDir, OsIdentity runAs) {
    this.binDir = binDir;
    this.runAs = runAs;
  }

  /**
   * Locates the binaries: the configured directory, else the directory of {@code pg_ctl} on the
   * PATH (symbolic links resolved), else the newest {@code /usr/lib/postgresql/<major>/bin}.
   */
  static Path locateBinDir(Path configured) {
    if (configured != null) {
      if (!Files.isExecutable(configured.resolve("postgres"))) {
        throw new PostgresControlException(
            Kind.MISSING_BINARY,
            "postgresql.binDir ("
                + configured
                + ") holds no executable 'postgres': point it at the bin directory of a PostgreSQL"
                + " installation");
      }
      return configured;
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      Path pgCtl = Path.of(dir.isEmpty() ? "." : dir, "pg_ctl");
      if (Files.isExecutable(pgCtl)) {
        try {
          Path real = pgCtl.toRealPath().getParent();
          if (Files.isExecutable(real.resolve("postgres"))) {
            return real;
          }
        } catch (IOException e) {
          // a dangling link on the PATH: keep looking
        }
      }
    }
    if (Files.isDirectory(DEBIAN_VERSIONS)) {
      try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
        Optional<Path> newest =
            versions
                .filter(v -> v.getFileName().toString().matches("\\d+"))
                .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())));
        if (newest.isPresent()) {
          return newest.get().resolve("bin");
        }
      } catch (IOException e) {
        // fall through to the error below
      }
    }
    throw new PostgresControlException(
        Kind.MISSING_BINARY,
        "PostgreSQL binaries not found: no pg_ctl on the PATH and no "
            + DEBIAN_VERSIONS
            + "/<major>/bin; install PostgreSQL or set postgresql.binDir");
  }

  /** The directory of the binaries. */
  public Path binDir() {
    return binDir;
  }

  /**
   * The path of a binary.
   *
   * @throws PostgresControlException of kind MISSING_BINARY naming the binary and the directory
   */
  public Path binary(String name) {
    Path binary = binDir.resolve(name);
    if (!Files.isExecutable(binary)) {
      throw new PostgresControlException(
          Kind.MISSING_BINARY,
          "PostgreSQL binary '" + name + "' not found or not executable in " + binDir);
    }
    return binary;
  }

  /**
   * Runs a command as the PostgreSQL OS user, with the given extra environment (no passwords: the
   * command's children and {@code /proc} would see them; the built-in tools use a 0600 {@code
   * passfile}), output captured. Inherited {@code PG*} variables are removed so that nothing from
   * the JVM's environment changes where the tools connect.
   *
   * @throws PostgresControlException of kind COMMAND_FAILED when the command cannot be started
   */
  public CommandResult run(
      List<String> command, Map<String, String> environment, Duration timeout) {
    return run(command, environment, timeout, Path.of("/"));
  }

  /**
   * Runs a command as {@link #run(List, Map, Duration)} does, in {@code directory}: for an
   * operator's command, which may name its script relative to where the member was started (as
   * Patroni runs it).
   */
  CommandResult run(
      List<String> command, Map<String, String> environment, Duration timeout, Path directory) {
    Path outputFile = null;
    try {
      outputFile = Files.createTempFile("pgha-cmd", ".out");
      // Nothing secret of the JVM's environment: only what the caller gives.
      ProcessBuilder builder = ChildEnvironment.processBuilder(wrap(command));
      builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
      builder.environment().putAll(environment);
      builder.directory(directory.toFile());
      builder.redirectErrorStream(true);
      builder.redirectOutput(outputFile.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process process = builder.start();
      boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        // A hung restore is a script's child (pgbackrest, wal-g): kill what it started too, or the
        // child keeps writing into the data directory the next method gets.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      String output = Files.readString(outputFile, StandardCharsets.UTF_8);
      return new CommandResult(
          List.copyOf(command), done ? process.exitValue() : -1, output, !done);
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.COMMAND_FAILED, "could not run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PostgresControlException(
          Kind.COMMAND_FAILED, "interrupted while running " + command.get(0), e);
    } finally {
      if (outputFile != null) {
        try {
          Files.deleteIfExists(outputFile);
        } catch (IOException e) {
          // a leftover temp file holds no secret: output never contains passwords
        }
      }
    }
  }

  /** The command line that runs {@code command} as the PostgreSQL OS user. */
  List<String> wrap(List<String> command) {
    if (runAs == null) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(runAs.setprivPrefix());
    wrapped.addAll(command);
    return wrapped;
  }

  /** The OS user to switch to, or null when PostgreSQL runs as the JVM's user. */
  OsIdentity runAs() {
    return runAs;
  }
}
