package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OS user (its primary group and home directory) PostgreSQL runs as when the JVM runs as root.
 *
 * @param home the user's home directory; null when unknown
 */
record OsIdentity(String user, String group, String home) {

  /**
   * Resolves the user's primary group, or returns null when PostgreSQL runs as the JVM's own user.
   */
  static OsIdentity resolve(String runAsUser) {
    if (runAsUser == null || runAsUser.equals(System.getProperty("user.name"))) {
      return null;
    }
    try {
      Process id =
          ChildEnvironment.processBuilder(List.of("id", "-gn", runAsUser))
              .redirectErrorStream(true)
              .start();
      String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!id.waitFor(10, TimeUnit.SECONDS) || id.exitValue() != 0) {
        throw new PostgresControlException(
            Kind.COMMAND_FAILED,
            "postgresql.runAsUser (" + runAsUser + ") is not a known OS user: " + out);
      }
      return new OsIdentity(runAsUser, out, home(runAsUser));
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.COMMAND_FAILED, "could not look up OS user " + runAsUser + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PostgresControlException(
          Kind.COMMAND_FAILED, "interrupted while looking up OS user " + runAsUser, e);
    }
  }

  /** The home directory in the user's passwd entry; null when there is none. */
  private static String home(String user) throws IOException, InterruptedException {
    Process getent =
        ChildEnvironment.processBuilder(List.of("getent", "passwd", user))
            .redirectErrorStream(true)
            .start();
    String out = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!getent.waitFor(10, TimeUnit.SECONDS) || getent.exitValue() != 0) {
      return null;
    }
    String[] fields = out.split(":", -1);
    return fields.length >= 7 && fields[5].startsWith("/") ? fields[5] : null;
  }

  /**
   * The prefix that runs a command as this user (setpriv and env exec, so the PID is the
   * command's), with HOME set to the user's: libpq reads {@code ~/.postgresql} (client certificate
   * defaults) and fails on the root's, which the user may not read.
   */
  List<String> setprivPrefix() {
    List<String> prefix =
        new java.util.ArrayList<>(
            List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--init-groups"));
    if (home != null) {
      prefix.addAll(List.of("env", "HOME=" + home));
    }
    return List.copyOf(prefix);
  }

  /** The name PostgreSQL's files must belong to: this user, or the JVM's when there is none. */
  static String ownerName(OsIdentity identity) {
    return identity == null ? System.getProperty("user.name") : identity.user;
  }

  /**
   * Creates a directory owned by this user with mode 0700. Missing parents are created too, owned
   * by this user with the default mode, as initdb and pg_basebackup create them when Patroni runs
   * them on a data directory whose parent does not exist yet.
   */
  static void createPrivateDirectory(Path dir, OsIdentity identity) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createParents(parent, identity);
    }
    Files.createDirectory(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    chown(dir, identity);
  }

  private static void createParents(Path dir, OsIdentity identity) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createParents(parent, identity);
    }
    try {
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return; // created meanwhile (or a file, which the data directory's creation reports)
    }
    chown(dir, identity);
  }

  /** Gives a file to this user (no-op when PostgreSQL runs as the JVM's user). */
  static void chown(Path file, OsIdentity identity) throws IOException {
    if (identity == null) {
      return;
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    UserPrincipal owner = lookup.lookupPrincipalByName(identity.user);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(identity.group);
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    view.setOwner(owner);
    view.setGroup(group);
  }
}
