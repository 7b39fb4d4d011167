package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on and observes the local PostgreSQL server. It makes no HA decisions: the HA loop decides
 * and calls it. Actions are serialized (one at a time); {@link #probe()} and {@link #isRunning()}
 * may run concurrently with them.
 *
 * <p>pgha starts the postmaster as a child process, so a crash is reported to {@linkplain
 * #addExitListener exit listeners} as soon as the JVM reaps it, without any polling. The parameters
 * pgha manages live in {@value ManagedFiles#MANAGED_CONF}, included at the end of {@code
 * postgresql.conf}; pg_hba.conf is rewritten whole from the configuration.
 */
public final class PostgresController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresController.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PROMOTION_POLL = Duration.ofMillis(10);
  private static final Duration LEADER_PROMOTION_WAIT = Duration.ofSeconds(3);
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

  private final PostgresConfig config;
  private final PostgresTools tools;
  private final DataDirectory dataDir;
  private final ManagedFiles files;
  private final AtomicReference<Postmaster> postmaster = new AtomicReference<>();
  private final List<Consumer<PostmasterExit>> exitListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService notifier;
  private volatile Upstream upstream;
  private volatile SynchronousStandbys synchronousStandbys = SynchronousStandbys.none();
  private volatile Map<String, String> dynamicParameters = Map.of();

  /**
   * Creates a controller: locates the binaries and resolves the OS user. When a postmaster already
   * runs on the data directory (left by an earlier run), it is adopted and watched.
   *
   * @throws PostgresControlException MISSING_BINARY when the binaries are not found
   */
  public PostgresController(PostgresConfig config) {
    this.config = config;
    OsIdentity runAs = OsIdentity.resolve(config.runAsUser());
    this.tools = new PostgresTools(PostgresTools.locateBinDir(config.binDir()), runAs);
    tools.binary("postgres");
    this.dataDir = new DataDirectory(config.name(), config.dataDir(), runAs);
    this.files = new ManagedFiles(config, runAs);
    this.notifier =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-postmaster-" + config.name());
              t.setDaemon(true);
              return t;
            });
    adoptRunningPostmaster();
  }

  /** The configuration. */
  public PostgresConfig config() {
    return config;
  }

  /** The binaries and how they are run. */
  public PostgresTools tools() {
    return tools;
  }

  /**
   * Registers a listener for postmaster exits. It runs on a thread of its own; {@link
   * PostmasterExit#requested()} is false for a crash or a kill from outside pgha.
   */
  public void addExitListener(Consumer<PostmasterExit> listener) {
    exitListeners.add(listener);
  }

  /** Whether the data directory holds a cluster. */
  public boolean isInitialized() {
    return dataDir.isInitialized();
  }

  /** Whether a postmaster runs on the data directory. */
  public boolean isRunning() {
    return pid().isPresent();
  }

  /** The postmaster's process id, if one runs. */
  public OptionalLong pid() {
    Postmaster current = postmaster.get();
    if (current != null && current.isAlive()) {
      return OptionalLong.of(current.pid());
    }
    OptionalLong fromFile = dataDir.postmasterPid();
    if (fromFile.isPresent() && isOurPostmaster(fromFile.getAsLong())) {
      return fromFile;
    }
    return OptionalLong.empty();
  }

  /**
   * Whether the pid from postmaster.pid is a live postmaster of this data directory, not a stale
   * file whose pid the OS gave to another process: PostgreSQL processes run with the data directory
   * as their working directory.
   */
  private boolean isOurPostmaster(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      return false;
    }
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))
          .equals(config.dataDir().toRealPath());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return handle.get().info().command().map(c -> c.endsWith("postgres")).orElse(true);
    }
  }

  // ---------------------------------------------------------------- bootstrap and clone

  /**
   * Creates a new cluster and leaves it running as a primary: initdb (with the configured options),
   * the managed parameter file and pg_hba.conf, then the superuser's password and the replication
   * and rewind roles, set over SQL without the password ever being sent or logged in clear text.
   *
   * @throws PostgresControlException DATA_DIR_NOT_EMPTY, DATA_DIR_NOT_OWNED, INITDB_FAILED,
   *     PORT_IN_USE, START_FAILED, SQL_FAILED
   */
  public synchronized void bootstrap(Duration timeout) {
    long deadline = deadline(timeout);
    requireStopped("bootstrap");
    dataDir.prepareEmpty(false, "bootstrap");
    runInitdb(remaining(deadline));
    try {
      start(false, null, remaining(deadline));
      createRoles();
    } catch (RuntimeException e) {
      discardHalfBootstrappedCluster(e);
      throw e;
    }
    LOG.info("{}: bootstrapped a new cluster in {}", config.name(), config.dataDir());
  }

  /**
   * Removes the cluster this bootstrap just created in an empty directory (like initdb does when it
   * fails itself), so that a retry finds the directory empty. It holds no data of anyone's yet.
   */
  private void discardHalfBootstrappedCluster(RuntimeException cause) {
    try {
      if (isRunning()) {
        stop(StopMode.IMMEDIATE, Duration.ofSeconds(30));
      }
      dataDir.empty();
    } catch (RuntimeException | IOException e) {
      cause.addSuppressed(e);
    }
  }

  private void runInitdb(Duration timeout) {
    Path pwfile = null;
    try {
      pwfile =
          Files.createTempFile(
              "pgha-pw",
              ".txt",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, config.superuser().password() + "\n", StandardCharsets.UTF_8);
      OsIdentity.chown(pwfile, tools.runAs());
      List<String> command =
          new ArrayList<>(
              List.of(
                  tools.binary("initdb").toString(),
                  "--pgdata=" + config.dataDir(),
                  "--username=" + config.superuser().name(),
                  "--pwfile=" + pwfile,
                  "--auth-local=peer",
                  "--auth-host=scram-sha-256"));
      command.addAll(config.initdbOptions());
      CommandResult result = tools.run(command, Map.of(), timeout);
      if (!result.succeeded()) {
        throw new PostgresControlException(
            Kind.INITDB_FAILED,
            "initdb into " + config.dataDir() + " failed: " + result.describe());
      }
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.INITDB_FAILED, "initdb into " + config.dataDir() + " failed: " + e, e);
    } finally {
      deleteQuietly(pwfile);
    }
  }

  private void createRoles() {
    try (Connection c = connectLocal(30)) {
      try (Statement s = c.createStatement()) {
        s.execute("SET log_statement = 'none'");
        s.execute("SET log_min_duration_statement = -1");
      }
      PGConnection pg = c.unwrap(PGConnection.class);
      setPassword(pg, config.superuser());
      RoleCredentials replication = config.replication();
      if (!replication.name().equals(config.superuser().name())) {
        ensureRole(c, replication.name(), "LOGIN REPLICATION");
        setPassword(pg, replication);
      }
      RoleCredentials rewind = config.rewind();
      if (!rewind.name().equals(config.superuser().name())) {
        ensureRole(c, rewind.name(), "LOGIN");
        setPassword(pg, rewind);
        String role = quoteIdent(rewind.name());
        try (Statement s = c.createStatement()) {
          for (String function :
              List.of(
                  "pg_catalog.pg_ls_dir(text, boolean, boolean)",
                  "pg_catalog.pg_stat_file(text, boolean)",
                  "pg_catalog.pg_read_binary_file(text)",
                  "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)")) {
            s.execute("GRANT EXECUTE ON FUNCTION " + function + " TO " + role);
          }
        }
      }
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.SQL_FAILED,
          "creating the roles on " + config.name() + " failed: " + e.getMessage(),
          e);
    }
  }

  private static void ensureRole(Connection c, String name, String options) throws SQLException {
    boolean exists;
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        exists = rs.next();
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute((exists ? "ALTER" : "CREATE") + " ROLE " + quoteIdent(name) + " WITH " + options);
    }
  }

  /**
   * Sets a password as a SCRAM verifier computed in the driver: no clear text reaches the server.
   */
  private static void setPassword(PGConnection pg, RoleCredentials role) throws SQLException {
    char[] password = role.password().toCharArray();
    try {
      pg.alterUserPassword(role.name(), password, "scram-sha-256");
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  /**
   * Fills the (empty or absent) data directory with a copy of the leader, trying each configured
   * {@link ReplicaCreator} in order. Does not start PostgreSQL. A non-empty data directory is
   * emptied only when {@link PostgresConfig#removeDataDirAllowed()}.
   *
   * @throws PostgresControlException CLONE_FAILED (naming every strategy's cause),
   *     DATA_DIR_NOT_EMPTY, DATA_DIR_NOT_OWNED
   */
  public synchronized void createReplica(Upstream leader, Duration timeout) {
    requireStopped("creating a replica");
    dataDir.prepareEmpty(config.removeDataDirAllowed(), "creating a replica");
    List<String> failures = new ArrayList<>();
    for (ReplicaCreator creator : config.replicaCreators()) {
      CloneRequest request =
          new CloneRequest(
              config.name(),
              config.dataDir(),
              leader,
              config.replication(),
              config.useSlots() ? config.slotName() : null,
              timeout,
              tools);
      try {
        LOG.info("{}: creating a replica of {} with {}", config.name(), leader, creator.name());
        creator.createReplica(request);
        if (!dataDir.isInitialized()) {
          throw new PostgresControlException(
              Kind.CLONE_FAILED, creator.name() + " left no cluster in " + config.dataDir());
        }
        LOG.info("{}: created a replica of {} with {}", config.name(), leader, creator.name());
        return;
      } catch (RuntimeException e) {
        LOG.warn("{}: {} failed: {}", config.name(), creator.name(), e.getMessage());
        failures.add(creator.name() + ": " + e.getMessage());
        if (!emptyAfterFailure()) {
          break;
        }
      }
    }
    throw new PostgresControlException(
        Kind.CLONE_FAILED,
        "creating a replica of " + leader + " failed: " + String.join("; ", failures));
  }

  private boolean emptyAfterFailure() {
    try {
      if (!Files.exists(config.dataDir())) {
        return true;
      }
      boolean empty;
      try (var list = Files.list(config.dataDir())) {
        empty = list.findAny().isEmpty();
      }
      if (empty) {
        return true;
      }
      if (config.removeDataDirAllowed()) {
        dataDir.empty();
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- start, stop, reload

  /**
   * Starts PostgreSQL as a primary and waits until it accepts connections.
   *
   * @throws PostgresControlException DATA_DIR_MISSING, DATA_DIR_NOT_OWNED, PORT_IN_USE,
   *     START_FAILED, WRONG_STATE when it already runs
   */
  public synchronized void startAsPrimary(Duration timeout) {
    start(false, null, timeout);
  }

  /**
   * Starts PostgreSQL as a standby streaming from {@code leader} (standby.signal, primary_conninfo,
   * primary_slot_name) and waits until it accepts connections. With a null leader it starts as a
   * standby that streams from no one (read-only, waiting for a leader; see {@link #follow}).
   *
   * @throws PostgresControlException as {@link #startAsPrimary}
   */
  public synchronized void startAsStandby(Upstream leader, Duration timeout) {
    start(true, leader, timeout);
  }

  /**
   * Starts PostgreSQL read-only (standby.signal) with no upstream: a member that must not accept
   * writes before it holds the leader key, and has no leader to stream from yet. The same as {@code
   * startAsStandby(null, timeout)}.
   *
   * @throws PostgresControlException as {@link #startAsPrimary}
   */
  public synchronized void startReadOnly(Duration timeout) {
    start(true, null, timeout);
  }

  private void start(boolean standby, Upstream leader, Duration timeout) {
    long deadline = deadline(timeout);
    if (!dataDir.isInitialized()) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING,
          "data directory " + config.dataDir() + " holds no cluster: bootstrap or clone first");
    }
    dataDir.checkOwner();
    requireStopped("start");
    checkPortFree();
    long logOffset = logSize();
    try {
      this.upstream = leader;
      files.writeConf(leader, synchronousStandbys, dynamicParameters);
      files.writeHba();
      files.setStandbySignal(standby);
      ProcessBuilder builder =
          new ProcessBuilder(
              tools.wrap(
                  List.of(tools.binary("postgres").toString(), "-D", config.dataDir().toString())));
      builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
      builder.directory(new File("/"));
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(config.logFile().toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Postmaster started = Postmaster.started(builder.start());
      postmaster.set(started);
      watch(started);
      LOG.info(
          "{}: started PostgreSQL (pid {}) as {}",
          config.name(),
          started.pid(),
          !standby
              ? "primary"
              : leader == null ? "standby with no upstream" : "standby of " + leader);
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.START_FAILED, "could not start PostgreSQL on " + config.dataDir() + ": " + e, e);
    }
    awaitReady(remaining(deadline), logOffset);
  }

  private void watch(Postmaster watched) {
    watched
        .exit()
        .thenAcceptAsync(
            code -> {
              postmaster.compareAndSet(watched, null);
              PostmasterExit exit =
                  new PostmasterExit(watched.pid(), code, watched.stopRequested());
              if (exit.requested()) {
                LOG.info("{}: postmaster (pid {}) stopped", config.name(), exit.pid());
              } else {
                LOG.warn(
                    "{}: postmaster (pid {}) exited unexpectedly with status {}",
                    config.name(),
                    exit.pid(),
                    code);
              }
              for (Consumer<PostmasterExit> listener : exitListeners) {
                try {
                  listener.accept(exit);
                } catch (RuntimeException e) {
                  LOG.warn("{}: postmaster exit listener failed", config.name(), e);
                }
              }
            },
            notifier);
  }

  private void adoptRunningPostmaster() {
    OptionalLong pid = dataDir.postmasterPid();
    if (pid.isPresent() && isOurPostmaster(pid.getAsLong())) {
      ProcessHandle.of(pid.getAsLong())
          .ifPresent(
              handle -> {
                Postmaster adopted = Postmaster.adopted(handle);
                postmaster.set(adopted);
                watch(adopted);
                LOG.info(
                    "{}: found PostgreSQL already running (pid {})", config.name(), handle.pid());
              });
    }
  }

  private void checkPortFree() {
    for (String address : config.listenAddresses().split(",")) {
      String host = address.strip();
      if (host.equals("*") || host.isEmpty()) {
        host = "0.0.0.0";
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(host, config.port()));
      } catch (IOException e) {
        throw new PostgresControlException(
            Kind.PORT_IN_USE,
            "cannot start PostgreSQL: port "
                + config.port()
                + " on "
                + host
                + " is in use or not bindable ("
                + e.getMessage()
                + "); stop what listens there or choose another postgresql.port");
      }
    }
  }

  /**
   * Waits until PostgreSQL accepts connections.
   *
   * @throws PostgresControlException START_FAILED when the postmaster exits or the time is up, with
   *     the end of its log
   */
  public void awaitReady(Duration timeout) {
    awaitReady(timeout, -1);
  }

  private void awaitReady(Duration timeout, long logOffset) {
    long deadline = deadline(timeout);
    String lastError = "none";
    while (true) {
      if (!isRunning()) {
        String log = logSince(logOffset);
        Kind kind =
            log.contains("could not bind") || log.contains("Address already in use")
                ? Kind.PORT_IN_USE
                : Kind.START_FAILED;
        throw new PostgresControlException(
            kind,
            "PostgreSQL on " + config.dataDir() + " exited during start; its log ends:\n" + log);
      }
      try (Connection c = connectLocal(5);
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        lastError = e.getMessage();
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new PostgresControlException(
            Kind.START_FAILED,
            "PostgreSQL on "
                + config.dataDir()
                + " did not accept connections within "
                + timeout
                + " (last error: "
                + lastError
                + "); its log ends:\n"
                + logSince(logOffset));
      }
      sleep(POLL);
    }
  }

  /**
   * Stops PostgreSQL ({@code pg_ctl stop -m mode}) and waits at most {@code timeout}. Does nothing
   * when it is not running.
   *
   * @throws PostgresControlException STOP_FAILED when it still runs after the timeout
   */
  public synchronized void stop(StopMode mode, Duration timeout) {
    if (!isRunning()) {
      return;
    }
    Postmaster current = postmaster.get();
    if (current != null) {
      current.markStopRequested();
    }
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    // pg_ctl --wait looks for the end only every 100 ms; the exit of a postmaster this JVM started
    // is seen the moment it happens, so then pg_ctl only sends the signal.
    boolean child = current != null && current.isChild();
    CommandResult result =
        tools.run(
            List.of(
                tools.binary("pg_ctl").toString(),
                "stop",
                "--pgdata=" + config.dataDir(),
                "--mode=" + mode.pgCtlName(),
                child ? "--no-wait" : "--wait",
                "--timeout=" + seconds),
            Map.of(),
            timeout.plusSeconds(5));
    if (current != null) {
      try {
        long waitMillis = child && result.succeeded() ? timeout.toMillis() : 5000;
        current.exit().get(waitMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        // checked below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (isRunning()) {
      if (current != null) {
        current.clearStopRequested();
      }
      throw new PostgresControlException(
          Kind.STOP_FAILED,
          "PostgreSQL on "
              + config.dataDir()
              + " did not stop ("
              + mode.pgCtlName()
              + ") within "
              + timeout
              + ": "
              + result.describe());
    }
    LOG.info("{}: stopped PostgreSQL ({})", config.name(), mode.pgCtlName());
  }

  /**
   * Stops (fast) and starts again in the same role and with the same leader, e.g. to apply a
   * parameter that needs a restart.
   */
  public synchronized void restart(Duration timeout) {
    long deadline = deadline(timeout);
    boolean standby = files.hasStandbySignal();
    stop(StopMode.FAST, remaining(deadline));
    start(standby, standby ? upstream : null, remaining(deadline));
  }

  /** Rewrites the managed parameter file and pg_hba.conf and reloads them (pg_reload_conf). */
  public synchronized void reload() {
    writeFiles();
    try (Connection c = connectLocal(10);
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw sqlFailure("reload", e);
    }
  }

  private void writeFiles() {
    try {
      files.writeConf(upstream, synchronousStandbys, dynamicParameters);
      files.writeHba();
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.WRONG_STATE,
          "cannot write the configuration files in " + config.dataDir() + ": " + e,
          e);
    }
  }

  // ---------------------------------------------------------------- roles

  /**
   * Promotes this standby ({@code pg_promote} with wait), then checkpoints so that pg_control shows
   * the new timeline (pg_rewind of a former primary against this server relies on it), and reports
   * the new timeline. The server accepts writes before the checkpoint starts.
   *
   * @throws PostgresControlException WRONG_STATE when not a running standby, PROMOTE_FAILED
   */
  public Promotion promote(Duration timeout) {
    return promote(timeout, status -> {});
  }

  /**
   * Like {@link #promote(Duration)}, and hands {@code whenWritable} (on this thread) the server's
   * status as soon as it accepts writes, before the checkpoint: whoever waits for the new primary
   * need not wait for that too.
   */
  public synchronized Promotion promote(
      Duration timeout, java.util.function.Consumer<PostgresStatus> whenWritable) {
    if (!isRunning()) {
      requireStandby("promote");
    }
    int seconds = (int) Math.max(1, timeout.toSeconds());
    // One connection for the whole promotion: on a loaded host every new one costs a fork and an
    // authentication, and the promotion is what writers are waiting for.
    try (Connection c = connectForPromotion(seconds + 10)) {
      requireStandby("promote", StatusQuery.read(c));
      // pg_promote(wait => true) looks for the end of recovery only every 100 ms; asking for the
      // promotion and watching for its end here tells it sooner.
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_promote(false)")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new PostgresControlException(
              Kind.PROMOTE_FAILED, config.name() + " could not signal the promotion");
        }
      }
      awaitEndOfRecovery(c, timeout);
      upstream = null;
      writeFiles();
      whenWritable.accept(StatusQuery.read(c));
      // pg_control keeps the old timeline until the first checkpoint after promotion; pg_rewind
      // against this server reads it from there, so make it current now.
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      }
      int timeline = currentTimeline(c);
      TimelineHistory history = TimelineHistory.parse(readHistory(c, timeline));
      TimelineHistory.Entry last =
          history.entries().isEmpty() ? null : history.entries().get(history.entries().size() - 1);
      Promotion promotion =
          new Promotion(
              last == null ? timeline - 1 : last.parentTimeline(),
              timeline,
              last == null ? null : last.switchLsn());
      LOG.info(
          "{}: promoted to primary on timeline {} (switched from {} at {})",
          config.name(),
          timeline,
          promotion.previousTimeline(),
          promotion.switchLsn());
      return promotion;
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.PROMOTE_FAILED, "promoting " + config.name() + " failed: " + e.getMessage(), e);
    }
  }

  private Connection connectForPromotion(int socketTimeoutSeconds) {
    try {
      return connectLocal(socketTimeoutSeconds);
    } catch (SQLException e) {
      requireStandby("promote", PostgresStatus.notAnswering(isRunning()));
      throw new IllegalStateException("unreachable", e);
    }
  }

  private void awaitEndOfRecovery(Connection c, Duration timeout) throws SQLException {
    long deadline = deadline(timeout);
    try (Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new PostgresControlException(
              Kind.PROMOTE_FAILED, config.name() + " did not finish promotion within " + timeout);
        }
        sleep(PROMOTION_POLL);
      }
    }
  }

  private static int currentTimeline(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
      rs.next();
      return Integer.parseInt(rs.getString(1).substring(0, 8), 16);
    }
  }

  private static String readHistory(Connection c, int timeline) throws SQLException {
    if (timeline <= 1) {
      return "";
    }
    try (PreparedStatement p = c.prepareStatement("SELECT pg_read_binary_file(?)")) {
      p.setString(1, TimelineHistory.fileName(timeline));
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return new String(rs.getBytes(1), StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * Makes this member a standby of a new leader. A running primary is checkpointed and stopped
   * (fast); a stopped data directory (a former primary coming back) is used as it is. Its timeline
   * and WAL position are compared with the leader's history: when they diverged, pg_rewind runs as
   * the rewind role. If pg_rewind fails, the data directory is emptied and cloned again only when
   * {@link PostgresConfig#removeDataDirAllowed()}; otherwise PostgreSQL stays stopped and
   * REWIND_FAILED says why. Ends running as a standby of {@code leader}.
   *
   * @throws PostgresControlException REWIND_FAILED, SYSTEM_ID_MISMATCH (the leader is another
   *     cluster: never rewound or cloned over), SQL_FAILED (leader unreachable), STOP_FAILED,
   *     START_FAILED, CLONE_FAILED
   */
  public synchronized Demotion demote(Upstream leader, Duration timeout) {
    long deadline = deadline(timeout);
    if (isRunning()) {
      checkpointIfPrimary();
      stop(StopMode.FAST, remaining(deadline));
    }
    if (!dataDir.isInitialized()) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING,
          "data directory " + config.dataDir() + " holds no cluster: clone it instead");
    }
    ControlData local = controlData();
    LeaderTimeline leaderTimeline = leaderTimeline(leader);
    if (!leaderTimeline.systemIdentifier().equals(local.systemIdentifier())) {
      throw new PostgresControlException(
          Kind.SYSTEM_ID_MISMATCH,
          config.name()
              + " cannot follow "
              + leader
              + ": it belongs to another cluster (system identifier "
              + leaderTimeline.systemIdentifier()
              + ", ours "
              + local.systemIdentifier()
              + "). PostgreSQL stays stopped and its data directory is kept");
    }
    DivergenceCheck.Verdict verdict =
        DivergenceCheck.check(local, leaderTimeline.timeline(), leaderTimeline.history());
    LOG.info("{}: joining {} as a standby: {}", config.name(), leader, verdict.reason());
    Demotion demotion;
    if (!verdict.rewindNeeded()) {
      demotion = new Demotion(Demotion.Outcome.FOLLOWED, verdict.reason());
    } else {
      CommandResult rewind = runRewind(leader, remaining(deadline));
      if (rewind.succeeded()) {
        LOG.info("{}: pg_rewind: {}", config.name(), rewind.outputTail().replace('\n', ' '));
        demotion =
            new Demotion(Demotion.Outcome.REWOUND, verdict.reason() + "; pg_rewind rewound it");
      } else if (config.removeDataDirAllowed()) {
        LOG.warn(
            "{}: pg_rewind failed ({}); cloning again as allowed",
            config.name(),
            rewind.describe());
        createReplica(leader, remaining(deadline));
        demotion =
            new Demotion(
                Demotion.Outcome.RECLONED,
                verdict.reason() + "; pg_rewind failed, so the data directory was cloned again");
      } else {
        throw new PostgresControlException(
            Kind.REWIND_FAILED,
            config.name()
                + " cannot follow "
                + leader
                + ": "
                + verdict.reason()
                + ", and "
                + rewind.describe()
                + ". PostgreSQL stays stopped and its data directory is kept, because"
                + " postgresql.removeDataDirAllowed is false; reinitialize it by hand or allow"
                + " removal");
      }
    }
    start(true, leader, remaining(deadline));
    return demotion;
  }

  private void checkpointIfPrimary() {
    try (Connection c = connectLocal(60);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        if (rs.getBoolean(1)) {
          return;
        }
      }
      // A checkpoint now makes the shutdown checkpoint quick, so the stop fits its timeout.
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      LOG.warn("{}: checkpoint before demotion failed: {}", config.name(), e.getMessage());
    }
  }

  /**
   * What the data directory says of itself while PostgreSQL is stopped: whether it was last used
   * read-write (so joining another leader may need pg_rewind) and its system identifier. Empty when
   * there is no cluster or pg_controldata fails.
   */
  public Optional<StoredState> storedState() {
    if (!dataDir.isInitialized()) {
      return Optional.empty();
    }
    try {
      ControlData data = controlData();
      return Optional.of(
          new StoredState(
              !data.cleanStandbyShutdown() && !data.state().contains("recovery"),
              data.timeline(),
              data.systemIdentifier()));
    } catch (PostgresControlException | IllegalArgumentException e) {
      LOG.warn("{}: cannot read the control data: {}", config.name(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Where the shutdown checkpoint of a primary that was stopped cleanly lies (pg_controldata's
   * latest checkpoint location); a replica that has received WAL beyond it has every commit. Empty
   * while PostgreSQL runs, or when the data directory was not shut down cleanly as a primary.
   */
  public Optional<Lsn> shutdownCheckpoint() {
    if (isRunning() || !dataDir.isInitialized()) {
      return Optional.empty();
    }
    try {
      ControlData data = controlData();
      return data.cleanPrimaryShutdown() ? Optional.of(data.checkpoint()) : Optional.empty();
    } catch (PostgresControlException | IllegalArgumentException e) {
      LOG.warn("{}: cannot read the control data: {}", config.name(), e.getMessage());
      return Optional.empty();
    }
  }

  private ControlData controlData() {
    CommandResult result =
        tools.run(
            List.of(tools.binary("pg_controldata").toString(), config.dataDir().toString()),
            Map.of("LC_ALL", "C"),
            Duration.ofSeconds(30));
    if (!result.succeeded()) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING,
          "pg_controldata on " + config.dataDir() + " failed: " + result.describe());
    }
    return ControlData.parse(result.output());
  }

  /** The leader's timeline and history, read as the rewind role. */
  private record LeaderTimeline(int timeline, TimelineHistory history, String systemIdentifier) {}

  private LeaderTimeline leaderTimeline(Upstream leader) {
    try (Connection c = connect(leader.host(), leader.port(), config.rewind(), 10)) {
      awaitPromoted(c, leader);
      int timeline = currentTimeline(c);
      String systemIdentifier;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
        rs.next();
        systemIdentifier = rs.getString(1);
      }
      return new LeaderTimeline(
          timeline, TimelineHistory.parse(readHistory(c, timeline)), systemIdentifier);
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.SQL_FAILED,
          "cannot read the timeline of the new leader "
              + leader
              + " as "
              + config.rewind().name()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A new leader publishes its key before its promotion has finished, so a replica quick to follow
   * may find it still in recovery for a moment: wait that moment out rather than fail the follow
   * and retry a whole loop later.
   */
  private static void awaitPromoted(Connection c, Upstream leader) throws SQLException {
    long deadline = System.nanoTime() + LEADER_PROMOTION_WAIT.toNanos();
    while (true) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new PostgresControlException(
            Kind.WRONG_STATE,
            "the new leader "
                + leader
                + " is still in recovery (not promoted) after "
                + LEADER_PROMOTION_WAIT.toMillis()
                + " ms");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PostgresControlException(
            Kind.WRONG_STATE, "interrupted while the new leader " + leader + " was promoting");
      }
    }
  }

  private CommandResult runRewind(Upstream leader, Duration timeout) {
    String source =
        ManagedFiles.conninfo(
            List.of(
                "host",
                leader.host(),
                "port",
                Integer.toString(leader.port()),
                "user",
                config.rewind().name(),
                "dbname",
                "postgres",
                "connect_timeout",
                "5"));
    LOG.info("{}: running pg_rewind from {}", config.name(), leader);
    return tools.run(
        List.of(
            tools.binary("pg_rewind").toString(),
            "--target-pgdata=" + config.dataDir(),
            "--source-server=" + source),
        Map.of("PGPASSWORD", config.rewind().password()),
        timeout);
  }

  /**
   * Points a running standby at another leader without restarting it (primary_conninfo is reloaded;
   * PostgreSQL 13 and later). On older servers it restarts the standby. A standby that holds WAL
   * past the point where the leader's history left its timeline (it received more than the member a
   * failover promoted) cannot stream from it: it is demoted instead, as {@link #demote} does
   * (stopped, rewound, started as a standby of the leader).
   *
   * @throws PostgresControlException WRONG_STATE when not a running standby, or when the leader is
   *     not promoted yet (try again later); SQL_FAILED when the leader cannot be asked; what {@link
   *     #demote} throws
   */
  public synchronized void follow(Upstream leader) {
    follow(leader, true);
  }

  /**
   * As {@link #follow(Upstream)}; {@code upstreamIsLeader} false for a cascading upstream (a
   * replica, tagged {@code replicatefrom}), whose history is not compared because it runs in
   * recovery.
   */
  public synchronized void follow(Upstream leader, boolean upstreamIsLeader) {
    requireStandby("follow another leader");
    Optional<DivergenceCheck.Verdict> diverged =
        upstreamIsLeader ? divergenceFrom(leader) : Optional.empty();
    if (diverged.isPresent() && diverged.get().rewindNeeded()) {
      // A replica that received more than the member a failover promoted would wait forever for
      // WAL that never comes: rejoin as a returning primary does, rewinding first.
      LOG.warn(
          "{}: cannot simply follow {}: {}; stopping to rejoin it",
          config.name(),
          leader,
          diverged.get().reason());
      demote(leader, Duration.ofMinutes(5));
      return;
    }
    int version = serverVersion();
    upstream = leader;
    if (version < 130000) {
      restart(Duration.ofMinutes(5));
      return;
    }
    reload();
    LOG.info("{}: now following {}", config.name(), leader);
  }

  /**
   * Compares this running standby's replay timeline and WAL position with the leader's history.
   * Empty when the local position cannot be read (the standby is then pointed at the leader as
   * before, and PostgreSQL itself refuses a history that does not fit).
   *
   * @throws PostgresControlException when the leader cannot be asked or is not promoted yet, so
   *     that the caller tries again later
   */
  private Optional<DivergenceCheck.Verdict> divergenceFrom(Upstream leader) {
    LeaderTimeline leaderTimeline = leaderTimeline(leader);
    Optional<ControlData> local = standbyPosition();
    return local.map(
        l -> DivergenceCheck.check(l, leaderTimeline.timeline(), leaderTimeline.history()));
  }

  /**
   * The timeline and WAL position this standby has replayed (or received on that timeline), as
   * {@code IDENTIFY_SYSTEM} on a replication connection reports them (the SQL functions do not tell
   * the replay timeline), shaped as the control data of a cleanly stopped standby.
   */
  private Optional<ControlData> standbyPosition() {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", config.replication().name());
    if (config.replication().password() != null) {
      props.setProperty("password", config.replication().password());
    }
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "10");
    props.setProperty("replication", "true");
    props.setProperty("assumeMinServerVersion", "9.4");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("ApplicationName", "pgha-" + config.name() + "-identify");
    String url =
        "jdbc:postgresql://" + hostForUrl(config.localHost()) + ":" + config.port() + "/postgres";
    try (Connection c = DRIVER.connect(url, props);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      rs.next();
      int timeline = rs.getInt("timeline");
      Lsn position = Lsn.parse(rs.getString("xlogpos"));
      return Optional.of(
          new ControlData(
              "shut down in recovery",
              timeline,
              position,
              position,
              timeline,
              rs.getString("systemid")));
    } catch (SQLException | RuntimeException e) {
      LOG.warn(
          "{}: cannot read the standby's replay timeline (IDENTIFY_SYSTEM): {}",
          config.name(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /** The leader this controller last started or pointed the standby at (null for a primary). */
  public Upstream upstream() {
    return upstream;
  }

  // ---------------------------------------------------------------- slots and sync standbys

  /** Creates a physical replication slot unless it exists. */
  public synchronized void createReplicationSlot(String name) {
    try (Connection c = connectLocal(10);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT pg_create_physical_replication_slot(?) WHERE NOT EXISTS"
                    + " (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
      p.setString(1, name);
      p.setString(2, name);
      p.executeQuery().close();
    } catch (SQLException e) {
      throw sqlFailure("creating replication slot " + name, e);
    }
  }

  /**
   * Drops a replication slot if it exists, ending the WAL sender that uses it first.
   *
   * @return whether a slot was dropped
   */
  public synchronized boolean dropReplicationSlot(String name) {
    try (Connection c = connectLocal(10)) {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                  + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
        p.setString(1, name);
        p.executeQuery().close();
      }
      long deadline = deadline(Duration.ofSeconds(10));
      while (true) {
        try (PreparedStatement p =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
          p.setString(1, name);
          try (ResultSet rs = p.executeQuery()) {
            return rs.next();
          }
        } catch (SQLException e) {
          // The terminated WAL sender may not have released the slot yet.
          if (System.nanoTime() - deadline >= 0 || !"55006".equals(e.getSQLState())) {
            throw e;
          }
          sleep(POLL);
        }
      }
    } catch (SQLException e) {
      throw sqlFailure("dropping replication slot " + name, e);
    }
  }

  /** The replication slots on this server. */
  public List<ReplicationSlot> replicationSlots() {
    try (Connection c = connectLocal(10);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT slot_name, slot_type, active, restart_lsn::text FROM pg_replication_slots"
                    + " ORDER BY slot_name")) {
      List<ReplicationSlot> slots = new ArrayList<>();
      while (rs.next()) {
        slots.add(
            new ReplicationSlot(
                rs.getString(1),
                rs.getString(2),
                rs.getBoolean(3),
                Lsn.parseNullable(rs.getString(4))));
      }
      return slots;
    } catch (SQLException e) {
      throw sqlFailure("listing replication slots", e);
    }
  }

  /**
   * Sets {@code synchronous_standby_names} in the managed file and reloads when running. The
   * setting survives restarts.
   */
  public synchronized void setSynchronousStandbys(SynchronousStandbys standbys) {
    this.synchronousStandbys = standbys;
    if (isRunning()) {
      reload();
    } else if (dataDir.isInitialized()) {
      writeFiles();
    }
    LOG.info("{}: synchronous_standby_names = '{}'", config.name(), standbys.toSetting());
  }

  /**
   * Replaces the dynamic parameters (Patroni's {@code postgresql.parameters} from the cluster
   * configuration), which override the configured ones, and reloads when running. Parameters that
   * need a restart show up as {@link PostgresStatus#pendingRestart()} until {@link #restart}.
   *
   * @throws IllegalArgumentException naming a parameter pgha sets itself or a malformed name
   */
  public synchronized void setDynamicParameters(Map<String, String> parameters) {
    this.dynamicParameters = PostgresConfig.checkedParameters(parameters);
    if (isRunning()) {
      reload();
    } else if (dataDir.isInitialized()) {
      writeFiles();
    }
  }

  /**
   * Sets how long replication connections may stay silent (from the HA timings) and reloads when
   * running and the bounds changed; does nothing when they did not. Never throws: when the files
   * cannot be written or the server not reloaded, the old bounds stay and the next call tries
   * again.
   */
  public synchronized void setReplicationTimeouts(ReplicationTimeouts timeouts) {
    if (timeouts.equals(files.replicationTimeouts())) {
      return;
    }
    ReplicationTimeouts before = files.replicationTimeouts();
    files.replicationTimeouts(timeouts);
    try {
      if (isRunning()) {
        reload();
      } else if (dataDir.isInitialized()) {
        writeFiles();
      }
    } catch (PostgresControlException e) {
      // Asked again next cycle; the caller (the HA loop) must not stop over it.
      files.replicationTimeouts(before);
      LOG.warn("{}: cannot apply the replication timeouts yet: {}", config.name(), e.getMessage());
      return;
    }
    LOG.info(
        "{}: replication connections give up after {} of silence",
        config.name(),
        timeouts.silence());
  }

  /** The synchronous standbys last set. */
  public SynchronousStandbys synchronousStandbys() {
    return synchronousStandbys;
  }

  // ---------------------------------------------------------------- observation

  /** Reads the server's state now; never throws for a stopped or unreachable server. */
  public PostgresStatus probe() {
    if (!isRunning()) {
      return PostgresStatus.notAnswering(false);
    }
    try (Connection c = connectLocal(5)) {
      return StatusQuery.read(c);
    } catch (SQLException e) {
      LOG.debug("{}: status probe failed: {}", config.name(), e.getMessage());
      return PostgresStatus.notAnswering(isRunning());
    }
  }

  /**
   * How many application sessions are inside a transaction now (pgha's own sessions and replication
   * do not count).
   *
   * @throws PostgresControlException when the server does not answer
   */
  public int applicationTransactions() {
    try (Connection c = connectLocal(5)) {
      return ClientSessions.inTransaction(c);
    } catch (SQLException e) {
      throw sqlFailure("counting application transactions", e);
    }
  }

  /**
   * Ends every application session (pgha's own stay); returns how many were ended.
   *
   * @throws PostgresControlException when the server does not answer
   */
  public int terminateApplicationSessions() {
    try (Connection c = connectLocal(5)) {
      return ClientSessions.terminateAll(c);
    } catch (SQLException e) {
      throw sqlFailure("ending application sessions", e);
    }
  }

  private int serverVersion() {
    try (Connection c = connectLocal(5);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw sqlFailure("reading the server version", e);
    }
  }

  /**
   * A new superuser connection to the local server (database {@code postgres}); the caller closes
   * it.
   */
  public Connection connect() throws SQLException {
    return connectLocal(0);
  }

  private Connection connectLocal(int socketTimeoutSeconds) throws SQLException {
    return connect(config.localHost(), config.port(), config.superuser(), socketTimeoutSeconds);
  }

  private Connection connect(String host, int port, RoleCredentials role, int socketTimeoutSeconds)
      throws SQLException {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", role.name());
    props.setProperty("password", role.password());
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    props.setProperty("ApplicationName", "pgha-" + config.name());
    String url = "jdbc:postgresql://" + hostForUrl(host) + ":" + port + "/postgres";
    return DRIVER.connect(url, props);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  // ---------------------------------------------------------------- helpers

  private void requireStopped(String action) {
    OptionalLong pid = pid();
    if (pid.isPresent()) {
      throw new PostgresControlException(
          Kind.WRONG_STATE,
          action
              + " needs PostgreSQL stopped, but it runs on "
              + config.dataDir()
              + " (pid "
              + pid.getAsLong()
              + ")");
    }
  }

  private void requireStandby(String action) {
    requireStandby(action, probe());
  }

  private void requireStandby(String action, PostgresStatus status) {
    if (!status.acceptingConnections() || !Boolean.TRUE.equals(status.inRecovery())) {
      throw new PostgresControlException(
          Kind.WRONG_STATE,
          action
              + " needs a running standby, but "
              + config.name()
              + (status.acceptingConnections() ? " is a primary" : " is not answering"));
    }
  }

  private PostgresControlException sqlFailure(String action, SQLException e) {
    return new PostgresControlException(
        Kind.SQL_FAILED, action + " on " + config.name() + " failed: " + e.getMessage(), e);
  }

  private long logSize() {
    try {
      return Files.exists(config.logFile()) ? Files.size(config.logFile()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The end of the postmaster log written since {@code offset} (at most the last 20 lines). */
  private String logSince(long offset) {
    try (RandomAccessFile file = new RandomAccessFile(config.logFile().toFile(), "r")) {
      long start = Math.max(Math.max(offset, 0), file.length() - 8192);
      file.seek(start);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      int from = Math.max(0, lines.length - 20);
      return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    } catch (IOException e) {
      return "(log " + config.logFile() + " unreadable: " + e.getMessage() + ")";
    }
  }

  private static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(
        Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PostgresControlException(Kind.WRONG_STATE, "interrupted", e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("could not delete {}: {}", file, e.getMessage());
      }
    }
  }

  /**
   * Stops watching: exit listeners are no longer called. PostgreSQL keeps running (stop it first if
   * it should not).
   */
  @Override
  public void close() {
    exitListeners.clear();
    notifier.shutdown();
  }
}
