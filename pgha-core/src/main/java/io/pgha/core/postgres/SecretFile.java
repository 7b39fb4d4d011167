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
 * A temporary file holding a password for one command (initdb's {@code --pwfile}, libpq's {@code
 * passfile} for pg_basebackup and pg_rewind): the password reaches the tool neither on its command
 * line nor in its environment, where other local users or the tool's own children could read it.
 * Readable by its owner only from the first byte, owned by the PostgreSQL OS user, deleted when
 * closed.
 */
final class SecretFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);

  private final Path file;

  private SecretFile(Path file) {
    this.file = file;
  }

  /** A file holding {@code content}. */
  static SecretFile create(String content, OsIdentity owner) throws IOException {
    SecretFile secret =
        new SecretFile(
            Files.createTempFile(
                "pgha-",
                ".secret",
                PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))));
    try {
      Files.writeString(secret.file, content, StandardCharsets.UTF_8);
      OsIdentity.chown(secret.file, owner);
      return secret;
    } catch (IOException | RuntimeException e) {
      secret.close();
      throw e;
    }
  }

  /**
   * A libpq password file for {@code role} on any host; none (no keyword) when the role has no
   * password.
   *
   * @throws PostgresControlException COMMAND_FAILED when it cannot be written
   */
  static SecretFile passFile(RoleCredentials role, OsIdentity owner) {
    if (role.password().isEmpty()) {
      return new SecretFile(null);
    }
    try {
      return create(ManagedFiles.passfileLine(role), owner);
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.COMMAND_FAILED,
          "could not write a password file for role " + role.name() + ": " + e.getMessage(),
          e);
    }
  }

  /** No file. */
  static SecretFile none() {
    return new SecretFile(null);
  }

  /** Where the file is. */
  Path path() {
    return file;
  }

  /** The {@code passfile} conninfo keyword and value; empty without a file. */
  List<String> passfileKeywords() {
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
