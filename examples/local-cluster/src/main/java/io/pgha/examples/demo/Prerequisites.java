package io.pgha.examples.demo;

import io.pgha.testkit.PostgresInstall;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything starts, that the binaries the demo runs are installed. The demo installs
 * nothing itself: it names what is missing and the command that installs it.
 */
final class Prerequisites {
  private static final String ETCD_PACKAGES = "etcd-server etcd-client";
  private static final String POSTGRES_PACKAGES = "postgresql";

  private Prerequisites() {}

  /** What is missing, as one line (with the install command), or empty when all is there. */
  static Optional<String> missing() {
    List<String> missing = new ArrayList<>();
    List<String> packages = new ArrayList<>();
    if (onPath("etcd").isEmpty()) {
      missing.add("etcd (not on PATH)");
      packages.add(ETCD_PACKAGES);
    }
    try {
      PostgresInstall install = PostgresInstall.locate();
      for (String tool : List.of("postgres", "initdb", "pg_ctl", "pg_basebackup", "pg_rewind")) {
        install.binary(tool);
      }
    } catch (IllegalStateException e) {
      missing.add("PostgreSQL server binaries (" + firstClause(e.getMessage()) + ")");
      packages.add(POSTGRES_PACKAGES);
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "missing: "
            + String.join(", ", missing)
            + "; install with: apt-get install -y "
            + String.join(" ", packages)
            + " (as root; the demo installs nothing itself), then run it again");
  }

  private static String firstClause(String message) {
    int cut = message.indexOf(';');
    return cut < 0 ? message : message.substring(0, cut);
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
