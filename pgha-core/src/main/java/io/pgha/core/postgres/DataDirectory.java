package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data directory: whether it holds a cluster, who owns it, and emptying it when allowed. */
final class DataDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

  private final String member;
  private final Path dir;
  private final OsIdentity owner;

  DataDirectory(String member, Path dir, OsIdentity owner) {
    this.member = member;
    this.dir = dir;
    this.owner = owner;
  }

  /** The OS user that owns it (null: the JVM's user). */
  OsIdentity owner() {
    return owner;
  }

  Path path() {
    return dir;
  }

  /** Whether it holds a PostgreSQL cluster (initdb or a clone completed). */
  boolean isInitialized() {
    return Files.exists(dir.resolve("PG_VERSION"))
        && Files.exists(dir.resolve("global/pg_control"));
  }

  /** The postmaster's pid from postmaster.pid, if the file exists and is readable. */
  OptionalLong postmasterPid() {
    Path pidFile = dir.resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(pidFile);
      return lines.isEmpty()
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Checks that the directory belongs to the PostgreSQL OS user.
   *
   * @throws PostgresControlException DATA_DIR_NOT_OWNED naming both users
   */
  void checkOwner() {
    String expected = OsIdentity.ownerName(owner);
    try {
      String actual = Files.getOwner(dir).getName();
      if (!actual.equals(expected)) {
        throw new PostgresControlException(
            Kind.DATA_DIR_NOT_OWNED,
            "data directory "
                + dir
                + " belongs to OS user '"
                + actual
                + "' but PostgreSQL runs as '"
                + expected
                + "': give it to '"
                + expected
                + "' (mode 0700) or choose another postgresql.dataDir");
      }
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING, "cannot read the owner of data directory " + dir + ": " + e, e);
    }
  }

  /**
   * Makes sure the directory exists, belongs to the PostgreSQL user and is empty; empties it only
   * when {@code mayEmpty}.
   *
   * @throws PostgresControlException DATA_DIR_NOT_OWNED or DATA_DIR_NOT_EMPTY
   */
  void prepareEmpty(boolean mayEmpty, String purpose) {
    try {
      if (!Files.exists(dir)) {
        OsIdentity.createPrivateDirectory(dir, owner);
        return;
      }
      checkOwner();
      List<String> entries = entries();
      if (entries.isEmpty()) {
        return;
      }
      if (!mayEmpty) {
        throw new PostgresControlException(
            Kind.DATA_DIR_NOT_EMPTY,
            "data directory "
                + dir
                + " is not empty (holds "
                + String.join(", ", entries.subList(0, Math.min(5, entries.size())))
                + (entries.size() > 5 ? ", ..." : "")
                + "); "
                + purpose
                + " needs an empty one and pgha never removes data unless"
                + " postgresql.removeDataDirAllowed is true");
      }
      empty();
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING, "cannot prepare data directory " + dir + ": " + e, e);
    }
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  /** Removes everything inside the directory, keeping the directory itself. */
  void empty() throws IOException {
    LOG.warn("{}: removing the contents of data directory {}", member, dir);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * Removes the directory itself when it is empty: a custom replica method creates it, as under
   * Patroni, which hands such a method no data directory (a {@code cp -r} or {@code copytree} of a
   * backup fails on an existing one).
   */
  void removeIfEmpty() throws IOException {
    if (Files.isDirectory(dir) && entries().isEmpty()) {
      Files.delete(dir);
    }
  }

  /**
   * Gives the directory a command filled the mode PostgreSQL requires (0700, or 0750 kept): a
   * script's {@code mkdir} leaves 0755, with which the server refuses to start.
   */
  void makePrivate() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    java.util.Set<java.nio.file.attribute.PosixFilePermission> mode =
        Files.getPosixFilePermissions(dir);
    if (!mode.equals(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))
        && !mode.equals(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"))) {
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }
}
