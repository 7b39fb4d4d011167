package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL server binaries ({@code postgres}, {@code initdb}, {@code pg_ctl}, ...) are.
 *
 * <p>Looked up in this order: the system property {@value #BIN_DIR_PROPERTY}; the directory of
 * {@code postgres} found on the PATH, symlinks resolved (when it also holds {@code initdb}); the
 * newest {@code /usr/lib/postgresql/<version>/bin} (Debian and Ubuntu packages).
 */
public final class PostgresInstall {

  /** System property naming the binary directory explicitly. */
  public static final String BIN_DIR_PROPERTY = "pgha.postgres.bin";

  static final String INSTALL_HINT = "apt-get install -y postgresql";
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

  private static volatile PostgresInstall located;

  private final Path binDir;
  private volatile Integer majorVersion;

  private PostgresInstall(Path binDir) {
    this.binDir = binDir;
  }

  /**
   * Finds the installation (cached after the first call).
   *
   * @throws IllegalStateException naming the missing binary and how to install it
   */
  public static PostgresInstall locate() {
    PostgresInstall result = located;
    if (result == null) {
      result = new PostgresInstall(findBinDir());
      located = result;
    }
    return result;
  }

  /**
   * An installation in an explicit directory.
   *
   * @throws IllegalStateException if {@code postgres} is not there
   */
  public static PostgresInstall at(Path binDir) {
    PostgresInstall install = new PostgresInstall(binDir.toAbsolutePath());
    install.binary("postgres");
    return install;
  }

  private static Path findBinDir() {
    String configured = System.getProperty(BIN_DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return at(Path.of(configured)).binDir;
    }
    // PATH often holds symlinks to a few tools only (postgres, initdb, pg_ctl): follow them to
    // the directory that has the whole set (pg_basebackup, pg_rewind, ...).
    Optional<Path> onPath =
        Binaries.onPath("postgres")
            .map(PostgresInstall::realPath)
            .map(Path::getParent)
            .filter(dir -> Files.isExecutable(dir.resolve("initdb")));
    return onPath
        .or(PostgresInstall::newestDebianBinDir)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "PostgreSQL server binary 'postgres' not found: looked on PATH ("
                        + System.getenv("PATH")
                        + ") and in "
                        + DEBIAN_ROOT
                        + "/<version>/bin; install it with: "
                        + INSTALL_HINT
                        + " (or set -D"
                        + BIN_DIR_PROPERTY
                        + "=<dir>)"));
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path;
    }
  }

  private static Optional<Path> newestDebianBinDir() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .map(dir -> dir.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
          .max(
              Comparator.comparingDouble(
                  bin -> Double.parseDouble(bin.getParent().getFileName().toString())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + DEBIAN_ROOT, e);
    }
  }

  /** The directory holding the server binaries. */
  public Path binDir() {
    return binDir;
  }

  /**
   * The executable {@code name} (e.g. {@code "pg_ctl"}, {@code "pg_basebackup"}).
   *
   * @throws IllegalStateException naming the binary and how to install it when it is missing
   */
  public Path binary(String name) {
    Path binary = binDir.resolve(name);
    if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "PostgreSQL binary '"
              + name
              + "' not found in "
              + binDir
              + "; install it with: "
              + INSTALL_HINT);
    }
    return binary;
  }

  /** The major version, e.g. 15, from {@code postgres --version}. */
  public int majorVersion() {
    Integer version = majorVersion;
    if (version == null) {
      version = readMajorVersion();
      majorVersion = version;
    }
    return version;
  }

  private int readMajorVersion() {
    Path postgres = binary("postgres");
    try {
      Process process =
          new ProcessBuilder(postgres.toString(), "--version").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Matcher matcher = VERSION.matcher(output);
      if (!matcher.find()) {
        throw new IllegalStateException(
            "cannot read the version from '" + postgres + " --version': " + output.strip());
      }
      return Integer.parseInt(matcher.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + postgres + " --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + postgres, e);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL in " + binDir;
  }
}
