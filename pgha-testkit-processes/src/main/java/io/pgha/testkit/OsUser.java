package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OS user PostgreSQL runs as. PostgreSQL refuses to run as root, so when the JVM is root the
 * kit runs it as {@code postgres} (created by the Debian package), or as {@value #CREATED_USER},
 * which it creates with {@code useradd} when {@code postgres} does not exist. Otherwise it is the
 * current user and nothing is switched.
 */
public final class OsUser {

  /** The unprivileged user created when the JVM is root and no {@code postgres} user exists. */
  public static final String CREATED_USER = "pgha";

  private static final Logger log = LoggerFactory.getLogger(OsUser.class);
  private static volatile OsUser forPostgres;

  private final String name;
  private final long uid;
  private final long gid;
  private final String group;
  private final boolean needsSwitch;

  private OsUser(String name, long uid, long gid, String group, boolean needsSwitch) {
    this.name = name;
    this.uid = uid;
    this.gid = gid;
    this.group = group;
    this.needsSwitch = needsSwitch;
  }

  /** The user to run PostgreSQL as (resolved once, creating it if needed). */
  public static synchronized OsUser forPostgres() {
    if (forPostgres == null) {
      forPostgres = resolve();
    }
    return forPostgres;
  }

  private static OsUser resolve() {
    if (!jvmIsRoot()) {
      String current = System.getProperty("user.name");
      return new OsUser(current, -1, -1, null, false);
    }
    if (!exists("postgres")) {
      if (!exists(CREATED_USER)) {
        create(CREATED_USER);
      }
      return lookup(CREATED_USER);
    }
    return lookup("postgres");
  }

  private static boolean jvmIsRoot() {
    try {
      // /proc/self belongs to the effective user of this process.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static boolean exists(String user) {
    return Command.run(List.of("id", "-u", user)).exitCode() == 0;
  }

  private static OsUser lookup(String user) {
    long uid = Long.parseLong(Command.run(List.of("id", "-u", user)).requireSuccess().strip());
    long gid = Long.parseLong(Command.run(List.of("id", "-g", user)).requireSuccess().strip());
    String group = Command.run(List.of("id", "-gn", user)).requireSuccess().strip();
    return new OsUser(user, uid, gid, group, true);
  }

  private static void create(String user) {
    log.info(
        "creating the unprivileged OS user '{}' to run PostgreSQL (the JVM runs as root)", user);
    Command.Result result =
        Command.run(
            List.of(
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                user));
    // Another JVM may have created it at the same moment; only fail if it still does not exist.
    if (result.exitCode() != 0 && !exists(user)) {
      throw new IllegalStateException(
          "cannot create OS user '" + user + "' with useradd: " + result.output().strip());
    }
  }

  /** The user name. */
  public String name() {
    return name;
  }

  /** True when commands must switch to this user (the JVM runs as root). */
  public boolean needsSwitch() {
    return needsSwitch;
  }

  /**
   * {@code command} prefixed with {@code setpriv --reuid=U --regid=G --init-groups} when {@link
   * #needsSwitch()}, else unchanged. {@code setpriv} execs the command, so the PID is the command's
   * own.
   */
  public List<String> wrap(List<String> command) {
    if (!needsSwitch) {
      return List.copyOf(command);
    }
    Path setpriv = Binaries.require("setpriv", "apt-get install -y util-linux");
    List<String> wrapped = new ArrayList<>();
    wrapped.add(setpriv.toString());
    wrapped.add("--reuid=" + uid);
    wrapped.add("--regid=" + gid);
    wrapped.add("--init-groups");
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * Creates {@code dir} (and missing parents, left to the JVM's user), makes this user own it and
   * sets mode 0700, as PostgreSQL requires of a data directory.
   *
   * @return {@code dir}
   */
  public Path createOwnedDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      chown(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + " owned by " + name, e);
    }
  }

  /** Makes this user (and its primary group) own {@code path}; nothing when no switch is needed. */
  public void chown(Path path) {
    if (!needsSwitch) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(path, lookup.lookupPrincipalByName(name));
      GroupPrincipal primaryGroup = lookup.lookupPrincipalByGroupName(group);
      Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(primaryGroup);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + path + " to OS user " + name, e);
    }
  }

  @Override
  public String toString() {
    return name + (needsSwitch ? " (uid " + uid + ", gid " + gid + ")" : " (current user)");
  }
}
