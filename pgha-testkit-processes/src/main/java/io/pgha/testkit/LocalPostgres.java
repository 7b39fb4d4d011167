package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bare PostgreSQL server for tests: {@code initdb} into a fresh directory under {@link
 * Testkit#baseDir()}, then the {@code postgres} server as a child process, listening on 127.0.0.1
 * only on a free port, with trust authentication for 127.0.0.1 (including replication) and the
 * superuser {@value #SUPERUSER}. When the JVM is root, PostgreSQL runs as {@link
 * OsUser#forPostgres()}.
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.builder("primary").parameter("wal_level", "logical").start();
 *     Connection connection = pg.connect()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link Builder#replicaOf} makes a streaming replica of another instance instead.
 *
 * <p>Layout of {@link #workDir()}: {@code data/} (the data directory), {@code run/} (the unix
 * socket directory), {@code postgres.log} (server output, appended across restarts), {@code
 * initdb.log}.
 */
public final class LocalPostgres implements AutoCloseable {

  /** The superuser created by initdb; it needs no password from 127.0.0.1. */
  public static final String SUPERUSER = "postgres";

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;
  private static final String CONF_FILE = "pgha-testkit.conf";

  private final String name;
  private final Path workDir;
  private final Path dataDir;
  private final Path socketDir;
  private final Path logFile;
  private final Map<String, String> parameters;
  private final PostgresInstall install;
  private final OsUser user;
  private final LocalPostgres primary;
  private volatile int port;
  private volatile ManagedProcess process;
  private boolean closed;

  private LocalPostgres(Builder builder) {
    this.name = builder.name;
    this.install = PostgresInstall.locate();
    this.user = OsUser.forPostgres();
    this.workDir = Testkit.newWorkDir("pg-" + name);
    this.dataDir = workDir.resolve("data");
    this.socketDir = SocketDirectory.choose(workDir.resolve("run"), user);
    this.logFile = workDir.resolve("postgres.log");
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(builder.parameters));
    this.primary = builder.primary;
  }

  /**
   * A builder for a server named {@code name} (used in directory and process names).
   *
   * @param name letters, digits, '-' and '_'
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Configures and starts a {@link LocalPostgres}. */
  public static final class Builder {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final Pattern PARAMETER = Pattern.compile("[a-z_][a-z0-9_.]*");

    private final String name;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private LocalPostgres primary;

    private Builder(String name) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name '" + name + "' must be 1 to 40 letters, digits, '-' or '_'");
      }
      this.name = name;
    }

    /**
     * Sets a server parameter (postgresql.conf), overriding the kit's defaults. {@code port},
     * {@code listen_addresses} and {@code unix_socket_directories} are managed by the kit.
     */
    public Builder parameter(String key, String value) {
      checkParameter(key, value);
      parameters.put(key, value);
      return this;
    }

    /** Rejects names that are not parameter names, values that are null, and kit-managed keys. */
    static void checkParameter(String key, String value) {
      if (key == null || !PARAMETER.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "parameter name '" + key + "' must match " + PARAMETER.pattern());
      }
      if (List.of("port", "listen_addresses", "unix_socket_directories").contains(key)) {
        throw new IllegalArgumentException(
            "parameter '" + key + "' is managed by the test kit and cannot be set");
      }
      if (value == null) {
        throw new IllegalArgumentException("parameter '" + key + "' needs a value, got null");
      }
    }

    /**
     * Makes the server a streaming replica of {@code primary}: its data directory is copied with
     * {@code pg_basebackup -R} (physical replication as the superuser, trust from 127.0.0.1)
     * instead of being created by initdb.
     */
    public Builder replicaOf(LocalPostgres primary) {
      if (primary == null || !primary.isRunning()) {
        throw new IllegalArgumentException(
            "primary " + primary + " must be a running LocalPostgres");
      }
      this.primary = primary;
      return this;
    }

    /**
     * Creates the data directory (initdb, or pg_basebackup for a {@linkplain #replicaOf replica})
     * and starts the server; waits until it accepts connections (at most 60 s).
     */
    public LocalPostgres start() {
      LocalPostgres postgres = new LocalPostgres(this);
      try {
        if (primary == null) {
          postgres.initdb();
        } else {
          postgres.baseBackup();
        }
        postgres.startOnFreePort();
        return postgres;
      } catch (RuntimeException e) {
        postgres.close();
        throw e;
      }
    }
  }

  private void initdb() {
    user.createOwnedDirectory(dataDir);
    Command.runLogged(
        user.wrap(
            List.of(
                install.binary("initdb").toString(),
                "--pgdata=" + dataDir,
                "--username=" + SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync")),
        workDir.resolve("initdb.log"));
    appendToConf("include '" + CONF_FILE + "'");
  }

  private void baseBackup() {
    user.createOwnedDirectory(dataDir);
    Command.runLogged(
        user.wrap(
            List.of(
                install.binary("pg_basebackup").toString(),
                "--pgdata=" + dataDir,
                "--host=" + primary.host(),
                "--port=" + primary.port(),
                "--username=" + SUPERUSER,
                "--write-recovery-conf",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-sync")),
        workDir.resolve("basebackup.log"));
    // The copy carries the primary's include line and kit settings; startOnFreePort rewrites them.
  }

  private void startOnFreePort() {
    for (int attempt = 1; ; attempt++) {
      port = Ports.free();
      writeKitConf();
      try {
        launch();
        return;
      } catch (PortTakenException e) {
        if (attempt == START_ATTEMPTS) {
          throw e;
        }
        log.warn("{}: port {} was taken before PostgreSQL bound it, retrying", name, port);
      }
    }
  }

  private void writeKitConf() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen_addresses", Ports.LOOPBACK);
    settings.put("port", Integer.toString(port));
    settings.put("unix_socket_directories", socketDir.toString());
    // Durability against OS crashes is not what tests exercise; kill -9 loses nothing with it off.
    settings.put("fsync", "off");
    settings.put("shared_buffers", "32MB");
    settings.put("max_connections", "50");
    settings.put("log_line_prefix", "%m [%p] %q%u@%d ");
    // Lets pg_rewind resynchronise a former primary, which HA tests need.
    settings.put("wal_log_hints", "on");
    settings.putAll(parameters);
    StringBuilder text = new StringBuilder("# Written by pgha-testkit; rewritten on start.\n");
    settings.forEach(
        (key, value) ->
            text.append(key).append(" = '").append(value.replace("'", "''")).append("'\n"));
    Path conf = dataDir.resolve(CONF_FILE);
    try {
      Files.writeString(conf, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + conf, e);
    }
    user.chown(conf);
  }

  private void appendToConf(String line) {
    Path conf = dataDir.resolve("postgresql.conf");
    try {
      Files.writeString(
          conf, "\n" + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + conf, e);
    }
  }

  private void launch() {
    List<String> command =
        user.wrap(List.of(install.binary("postgres").toString(), "-D", dataDir.toString()));
    ManagedProcess started =
        ManagedProcess.start(workDir.getFileName() + "/postgres", command, logFile);
    process = started;
    boolean ready =
        Poll.until(
            START_TIMEOUT,
            () -> {
              if (!started.isAlive()) {
                String tail = started.logTail(20);
                started.kill();
                if (tail.contains("could not bind") || tail.contains("Address already in use")) {
                  throw new PortTakenException(name + ": port " + port + " is taken:\n" + tail);
                }
                throw new IllegalStateException(
                    name
                        + ": postgres exited during startup; last lines of "
                        + logFile
                        + ":\n"
                        + tail);
              }
              return PostmasterPid.isReady(dataDir, started.pid());
            });
    if (!ready) {
      started.kill();
      throw new IllegalStateException(
          name
              + ": postgres did not accept connections within "
              + START_TIMEOUT
              + "; last lines of "
              + logFile
              + ":\n"
              + started.logTail(20));
    }
    log.info(
        "{}: PostgreSQL {} started, pid {}, {}",
        name,
        install.majorVersion(),
        started.pid(),
        jdbcUrl());
  }

  /** Thrown when another process bound the chosen port first. */
  private static final class PortTakenException extends IllegalStateException {
    PortTakenException(String message) {
      super(message);
    }
  }

  /**
   * Promotes a replica to primary ({@code pg_promote}, waiting up to 60 s for it to finish).
   *
   * @throws IllegalStateException if the server is not in recovery or promotion fails
   */
  public void promote() {
    try (Connection connection = connect();
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT pg_promote(true, 60)")) {
      result.next();
      if (!result.getBoolean(1)) {
        throw new IllegalStateException(name + ": promotion did not finish within 60 s");
      }
      log.info("{}: promoted to primary", name);
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": cannot promote: " + e.getMessage(), e);
    }
  }

  /** True if the server is a standby (in recovery), read through a new connection. */
  public boolean isInRecovery() {
    try (Connection connection = connect();
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT pg_is_in_recovery()")) {
      result.next();
      return result.getBoolean(1);
    } catch (SQLException e) {
      throw new IllegalStateException(
          name + ": cannot ask whether it is in recovery: " + e.getMessage(), e);
    }
  }

  /** The name given to the builder. */
  public String name() {
    return name;
  }

  /** Always {@code "127.0.0.1"}. */
  public String host() {
    return Ports.LOOPBACK;
  }

  /** The TCP port, fixed for the life of this instance (restarts keep it). */
  public int port() {
    return port;
  }

  /** The data directory, owned by {@link OsUser#forPostgres()}, mode 0700. */
  public Path dataDir() {
    return dataDir;
  }

  /** The unix socket directory. */
  public Path socketDir() {
    return socketDir;
  }

  /** The directory holding data, socket directory and logs. */
  public Path workDir() {
    return workDir;
  }

  /** The server log (stdout and stderr of every run, appended). */
  public Path logFile() {
    return logFile;
  }

  /** {@code "jdbc:postgresql://127.0.0.1:PORT/postgres"}; connect as {@value #SUPERUSER}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host() + ":" + port + "/postgres";
  }

  /** The superuser name, {@value #SUPERUSER}. */
  public String user() {
    return SUPERUSER;
  }

  /** A new JDBC connection to database {@code postgres} as the superuser (no password). */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", SUPERUSER);
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(), properties);
  }

  /** Starts the server on its existing data directory and port; nothing if it already runs. */
  public synchronized void start() {
    requireOpen("start");
    if (!isRunning()) {
      launch();
    }
  }

  /** Fast shutdown (SIGINT), waiting up to 30 s before killing it; nothing if it is not running. */
  public synchronized void stop() {
    ManagedProcess current = process;
    if (current != null && current.isAlive()) {
      log.info("{}: stopping postgres pid {} (fast shutdown)", name, current.pid());
      current.stop("INT", STOP_GRACE);
    }
  }

  /** Crash: SIGKILL to the postmaster and all its children; waits until all are gone. */
  public synchronized void kill() {
    ManagedProcess current = process;
    if (current != null) {
      log.info("{}: killing postgres pid {} and its children (SIGKILL)", name, current.pid());
      current.kill();
    }
  }

  /** Freezes the postmaster and every backend (SIGSTOP): connections stay open, nothing answers. */
  public synchronized void pause() {
    requireRunning("pause").pause();
  }

  /** Undoes {@link #pause()} (SIGCONT). */
  public synchronized void resume() {
    requireRunning("resume").resume();
  }

  /** Stops the server if it runs and starts it again on the same data directory and port. */
  public synchronized void restart() {
    requireOpen("restart");
    stop();
    launch();
  }

  /** PID of the current (or last) postmaster. */
  public long pid() {
    ManagedProcess current = process;
    if (current == null) {
      throw new IllegalStateException(name + ": postgres was never started");
    }
    return current.pid();
  }

  /** True while the postmaster exists, even when paused. */
  public boolean isRunning() {
    ManagedProcess current = process;
    return current != null && current.isAlive();
  }

  /** True while the server is paused. */
  public boolean isPaused() {
    ManagedProcess current = process;
    return current != null && current.isPaused();
  }

  /**
   * Stops the server (fast shutdown, killed if it takes over 5 s or is paused). Data and logs stay
   * on disk for diagnosis. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ManagedProcess current = process;
    if (current == null) {
      return;
    }
    if (current.isPaused() || !current.isAlive()) {
      current.kill();
    } else {
      current.stop("INT", CLOSE_GRACE);
    }
    SocketDirectory.release(socketDir, workDir);
    log.info("{}: closed; data and log kept in {}", name, workDir);
  }

  private ManagedProcess requireRunning(String action) {
    ManagedProcess current = process;
    if (current == null || !current.isAlive()) {
      throw new IllegalStateException(
          "cannot " + action + " " + name + ": postgres is not running");
    }
    return current;
  }

  private void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("cannot " + action + " " + name + ": it is closed");
    }
  }

  @Override
  public String toString() {
    return "LocalPostgres[" + name + " " + host() + ":" + port + " " + dataDir + "]";
  }
}
