package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a test server puts its Unix-domain socket. PostgreSQL refuses to start when the socket's
 * path ({@code <dir>/.s.PGSQL.<port>}) is longer than 107 bytes, which a deep checkout's work
 * directory easily is; such a server gets a short directory under {@code /tmp} instead.
 */
final class SocketDirectory {
  /** sun_path holds 108 bytes with the terminating NUL. */
  static final int MAX_SOCKET_PATH = 107;

  private static final String LONGEST_SOCKET_NAME = "/.s.PGSQL.65535";

  private SocketDirectory() {}

  /**
   * {@code preferred} if a socket fits in it, otherwise a new directory under {@code /tmp}; either
   * owned by {@code user}.
   */
  static Path choose(Path preferred, OsUser user) {
    if (fits(preferred)) {
      return user.createOwnedDirectory(preferred);
    }
    try {
      return user.createOwnedDirectory(Files.createTempDirectory(Path.of("/tmp"), "pgha-sock-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a short socket directory under /tmp", e);
    }
  }

  /**
   * Removes a directory {@link #choose} made under {@code /tmp} (with what a killed server left in
   * it); leaves one inside the work directory, which is kept for diagnosis.
   */
  static void release(Path dir, Path workDir) {
    if (dir.startsWith(workDir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A leftover empty directory under /tmp is harmless; the test's outcome does not depend on
      // it.
    }
  }

  static boolean fits(Path dir) {
    return dir.toAbsolutePath().toString().length() + LONGEST_SOCKET_NAME.length()
        <= MAX_SOCKET_PATH;
  }
}
