package io.pgha.compat;

import io.pgha.testkit.OsUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory behave runs in: Patroni's tree at the tag (features, {@code postgres0.yml}, {@code
 * patroni.py}, {@code patronictl.py}) copied unchanged, its {@code patroni} package linked from the
 * installed Patroni (as in Patroni's repository, where the package sits next to {@code
 * patroni.py}), and, for the pgha run, pgha's launcher in place of {@code patroni.py}. The whole
 * tree belongs to the PostgreSQL OS user, which runs behave (PostgreSQL refuses to run as root).
 */
final class BehaveWorkspace {

  private final Path dir;

  private BehaveWorkspace(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates the workspace at {@code dir}, emptied first.
   *
   * @param source pgha-compat's directory (holding {@code patroni-v3.0.2} and {@code launcher})
   * @param target what the features start as a member
   * @param patroniPackage the installed Patroni's package directory
   * @param sidecarJar the sidecar's executable jar, copied in (pgha run only)
   */
  static BehaveWorkspace create(
      Path dir,
      Path source,
      BehaveTarget target,
      Path patroniPackage,
      Path sidecarJar,
      OsUser user) {
    try {
      deleteTree(dir);
      copyTree(source.resolve(BehaveTarget.PATRONI_TREE), dir);
      Files.createSymbolicLink(dir.resolve("patroni"), patroniPackage);
      if (target == BehaveTarget.PGHA) {
        Files.copy(
            source.resolve("launcher/patroni.py"),
            dir.resolve("patroni.py"),
            StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sidecarJar, dir.resolve("pgha-sidecar.jar"));
      }
      Path noOpenssl = Files.createDirectories(dir.resolve("no-openssl"));
      Files.writeString(noOpenssl.resolve("openssl"), "#!/bin/sh\nexit 1\n");
      noOpenssl.resolve("openssl").toFile().setExecutable(true, false);
      try (Stream<Path> all = Files.walk(dir)) {
        all.forEach(user::chown);
      }
      return new BehaveWorkspace(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the behave workspace " + dir, e);
    }
  }

  Path dir() {
    return dir;
  }

  Path sidecarJar() {
    return dir.resolve("pgha-sidecar.jar");
  }

  /** A directory whose {@code openssl} fails: first on PATH, it turns TLS off in the harness. */
  Path noOpensslDir() {
    return dir.resolve("no-openssl");
  }

  Path junitDir() {
    return dir.resolve("junit");
  }

  /** Where Patroni's environment.py leaves each feature's member and PostgreSQL logs. */
  Path outputDir() {
    return dir.resolve("features/output");
  }

  List<String> featureFiles(List<String> features) {
    return features.stream().map(f -> "features/" + f + ".feature").toList();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
