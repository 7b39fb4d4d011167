package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Where the kit keeps data directories and process logs. */
public final class Testkit {

  /** System property naming the base directory; surefire sets it to {@code target/testkit}. */
  public static final String DIR_PROPERTY = "pgha.testkit.dir";

  private Testkit() {}

  /**
   * The base directory: the system property {@value #DIR_PROPERTY} if set, else {@code
   * ${java.io.tmpdir}/pgha-testkit}.
   */
  public static Path baseDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "pgha-testkit").toAbsolutePath();
  }

  /**
   * A TCP port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out before
   * (for an HTTP API or another listener a test starts). Another process may still take it before
   * it is bound; launchers that can retry do.
   */
  public static int freePort() {
    return Ports.free();
  }

  /**
   * Creates a new, unique directory under {@link #baseDir()} whose name starts with {@code prefix}.
   * It is readable and traversable by everyone (mode 755) so that processes running as another OS
   * user (PostgreSQL as {@code postgres}) can reach their own subdirectories.
   *
   * @param prefix a short name such as {@code "etcd"} or {@code "pg-primary"}
   * @return the created directory
   */
  public static Path newWorkDir(String prefix) {
    if (prefix == null || prefix.isBlank() || prefix.contains("/")) {
      throw new IllegalArgumentException(
          "prefix '" + prefix + "' must be a non-blank directory name without '/'");
    }
    Path base = baseDir();
    try {
      Files.createDirectories(base);
      Path dir = Files.createTempDirectory(base, prefix + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory under " + base, e);
    }
  }
}
