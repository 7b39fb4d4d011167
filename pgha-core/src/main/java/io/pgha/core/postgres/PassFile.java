package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libpq password file for one command (pg_basebackup, pg_rewind): the password reaches the tool
 * neither on its command line nor in its environment, where other local users or the tool's own
 * children could read it. Created readable by its owner only from the first byte, owned by the
 * PostgreSQL OS user, deleted when closed.
 */
final class PassFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PassFile.class);
  private final Path file;

  private PassFile(Path file) {
    this.file = file;
  }

  /** A file holding {@code role}'s password; none (no keyword) when the role has no password. */
  static PassFile of(RoleCredentials role, OsIdentity owner) {
    if (role.password().isEmpty()) {
      return new PassFile(null);
    }
    Path file = null;
    try {
      file =
          Files.createTempFile(
              "pgha-",
              ".pgpass",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, ManagedFiles.passfileLine(role), StandardCharsets.UTF_8);
      OsIdentity.chown(file, owner);
      return new PassFile(file);
    } catch (IOException e) {
      new PassFile(file).close();
      throw new PostgresControlException(
          Kind.COMMAND_FAILED,
          "could not write a password file for role " + role.name() + ": " + e.getMessage(),
          e);
    }
  }

  /** The {@code passfile} conninfo keyword and value; empty without a password. */
  List<String> keywords() {
    return file == null ? List.of() : List.of("passfile", file.toString());
  }

  @Override
  public void close() {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete the password file {} (readable by its owner only): {}", file, e);
    }
  }
}
