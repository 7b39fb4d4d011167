package io.pgha.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds executables on the PATH. */
final class Binaries {

  private Binaries() {}

  /** The executable {@code name} in a directory of the PATH, if any. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The executable {@code name} on the PATH, or an error naming it and the command that installs
   * it.
   */
  static Path require(String name, String installCommand) {
    return onPath(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "required binary '"
                        + name
                        + "' not found on PATH ("
                        + System.getenv("PATH")
                        + "); install it with: "
                        + installCommand));
  }
}
