package io.pgha.examples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where the demo's etcd and PostgreSQL keep their data: a fresh directory under the system's temp
 * directory, removed when the demo ends (each run writes several hundred MB of WAL). A directory
 * given with {@code -Dpgha.testkit.dir} is used as is and kept.
 */
final class DemoDataDir {
  static final String PROPERTY = "pgha.testkit.dir";

  private DemoDataDir() {}

  /** Creates the directory and points the test kit at it, unless one was given. */
  static Optional<Path> create() {
    if (System.getProperty(PROPERTY) != null) {
      return Optional.empty();
    }
    try {
      Path dir = Files.createTempDirectory("pgha-demo-");
      // PostgreSQL runs as another OS user when the JVM is root: it must reach its subdirectory.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      System.setProperty(PROPERTY, dir.toString());
      return Optional.of(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo's data directory", e);
    }
  }

  /** Removes {@code dir} and everything in it; what cannot be removed is left. */
  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // a file vanished or is busy: the rest is gone, the leftover lives in the temp directory
    }
  }
}
