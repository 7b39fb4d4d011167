package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postmaster as a process: launches it as a child of this JVM (or adopts one found running on
 * the data directory), watches its exit and tells the exit listeners, stops it with {@code pg_ctl}
 * and quits it with SIGQUIT. It holds no lock: which of these may run together is decided by {@link
 * RoleChanges}, and {@link #quit} (fencing) must never wait for any of them.
 */
final class PostmasterSupervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostmasterSupervisor.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration QUIT_GRACE = Duration.ofSeconds(1);

  private final PostgresConfig config;
  private final PostgresTools tools;
  private final DataDirectory dataDir;
  private final ServerLog log;
  private final LocalSql sql;
  private final AtomicReference<Postmaster> postmaster = new AtomicReference<>();
  private final List<Consumer<PostmasterExit>> exitListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService notifier;

  /** Adopts and watches a postmaster already running on the data directory, if any. */
  PostmasterSupervisor(
      PostgresConfig config,
      PostgresTools tools,
      DataDirectory dataDir,
      ServerLog log,
      LocalSql sql) {
    this.config = config;
    this.tools = tools;
    this.dataDir = dataDir;
    this.log = log;
    this.sql = sql;
    this.notifier =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-postmaster-" + config.name());
              t.setDaemon(true);
              return t;
            });
    adoptRunningPostmaster();
  }

  void addExitListener(Consumer<PostmasterExit> listener) {
    exitListeners.add(listener);
  }

  boolean isRunning() {
    return pid().isPresent();
  }

  /** The postmaster's pid: the supervised process, else a live one named by postmaster.pid. */
  OptionalLong pid() {
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

  void requireStopped(String action) {
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

  /**
   * Launches the postmaster on the prepared data directory and watches it; returns the log offset
   * its output starts at (for {@link #awaitReady(Duration, long)}).
   *
   * @param role what it starts as, for the log
   */
  long launch(String role) {
    requireStopped("start");
    checkPortFree();
    long logOffset = log.size();
    // archive_command, restore_command and every program PostgreSQL starts inherit this.
    ProcessBuilder builder =
        ChildEnvironment.processBuilder(
            tools.wrap(
                List.of(tools.binary("postgres").toString(), "-D", config.dataDir().toString())));
    builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
    builder.directory(new File("/"));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.file().toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      Postmaster started = Postmaster.started(builder.start());
      postmaster.set(started);
      watch(started);
      LOG.info("{}: started PostgreSQL (pid {}) as {}", config.name(), started.pid(), role);
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.START_FAILED, "could not start PostgreSQL on " + config.dataDir() + ": " + e, e);
    }
    return logOffset;
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
   * Waits until PostgreSQL accepts connections; {@code logOffset} is where the log quoted in errors
   * starts (-1: its end).
   *
   * @throws PostgresControlException START_FAILED (or PORT_IN_USE) when the postmaster exits or the
   *     time is up, with the end of its log
   */
  /** The postmaster's log output from {@code offset} on (its tail), for an error message. */
  String logSince(long offset) {
    return log.since(offset);
  }

  void awaitReady(Duration timeout, long logOffset) {
    long deadline = Deadlines.deadline(timeout);
    String lastError = "none";
    while (true) {
      if (!isRunning()) {
        String tail = log.since(logOffset);
        Kind kind =
            tail.contains("could not bind") || tail.contains("Address already in use")
                ? Kind.PORT_IN_USE
                : Kind.START_FAILED;
        throw new PostgresControlException(
            kind,
            "PostgreSQL on " + config.dataDir() + " exited during start; its log ends:\n" + tail);
      }
      try {
        sql.answers();
        return;
      } catch (SQLException e) {
        lastError = e.getMessage();
      }
      if (Deadlines.passed(deadline)) {
        throw new PostgresControlException(
            Kind.START_FAILED,
            "PostgreSQL on "
                + config.dataDir()
                + " did not accept connections within "
                + timeout
                + " (last error: "
                + lastError
                + "); its log ends:\n"
                + log.since(logOffset));
      }
      Deadlines.sleep(POLL);
    }
  }

  /**
   * Stops PostgreSQL ({@code pg_ctl stop -m mode}) and waits at most {@code timeout}. Does nothing
   * when it is not running.
   *
   * @throws PostgresControlException STOP_FAILED when it still runs after the timeout
   */
  void stop(StopMode mode, Duration timeout) {
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
      awaitExit(
          current.pid(), current, child && result.succeeded() ? timeout : Duration.ofSeconds(5));
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
   * A fast stop that gives up after {@code limit} (Patroni's {@code primary_stop_timeout} in
   * synchronous mode): then an immediate shutdown and, when that does not end it within {@code
   * limit} either, SIGKILL to the postmaster and every process it started. The server is down when
   * this returns, unless even SIGKILL failed (STOP_FAILED).
   */
  void stopWithin(Duration limit) {
    try {
      stop(StopMode.FAST, limit);
      return;
    } catch (PostgresControlException e) {
      LOG.warn(
          "{}: PostgreSQL did not stop cleanly within primary_stop_timeout ({}s): aborting it with"
              + " an immediate shutdown",
          config.name(),
          limit.toSeconds());
    }
    OptionalLong running = pid();
    try {
      quit(limit);
      return;
    } catch (PostgresControlException e) {
      LOG.warn(
          "{}: PostgreSQL did not quit within {}s either: sending SIGKILL to the postmaster and its"
              + " processes",
          config.name(),
          limit.toSeconds());
    }
    if (running.isPresent()) {
      kill(running.getAsLong(), limit);
    }
  }

  private void kill(long pid, Duration timeout) {
    Postmaster current = postmaster.get();
    Postmaster known = current != null && current.pid() == pid ? current : null;
    List<Long> processes = new java.util.ArrayList<>(List.of(pid));
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> processes.add(d.pid())));
    Signals.send("KILL", processes);
    if (!awaitExit(pid, known, timeout)) {
      throw new PostgresControlException(
          Kind.STOP_FAILED,
          "PostgreSQL on " + config.dataDir() + " (pid " + pid + ") survived SIGKILL");
    }
    LOG.warn("{}: killed PostgreSQL (pid {}) with SIGKILL", config.name(), pid);
  }

  /**
   * Sends the running postmaster SIGQUIT (immediate shutdown) and waits at most {@code timeout} for
   * its exit; one that does not act within a second (stopped, stuck) has its processes told to quit
   * directly, so that its backends stop taking writes. No lock, no connection, no pg_ctl.
   *
   * @return the pid told to quit; empty when none ran
   * @throws PostgresControlException STOP_FAILED when it still runs after {@code timeout}
   */
  OptionalLong quit(Duration timeout) {
    Postmaster current = postmaster.get();
    OptionalLong running = pid();
    if (running.isEmpty()) {
      return running;
    }
    long pid = running.getAsLong();
    Postmaster known = current != null && current.pid() == pid ? current : null;
    long deadline = Deadlines.deadline(timeout);
    if (known != null) {
      known.markStopRequested();
    }
    LOG.warn(
        "{}: immediate shutdown of PostgreSQL (SIGQUIT to postmaster pid {})", config.name(), pid);
    Signals.send("QUIT", List.of(pid));
    if (awaitExit(pid, known, QUIT_GRACE.compareTo(timeout) < 0 ? QUIT_GRACE : timeout)) {
      return running;
    }
    List<Long> processes =
        ProcessHandle.of(pid)
            .map(h -> h.descendants().map(ProcessHandle::pid).toList())
            .orElse(List.of());
    LOG.warn(
        "{}: postmaster (pid {}) did not exit on SIGQUIT; sending it to its {} processes",
        config.name(),
        pid,
        processes.size());
    Signals.send("QUIT", processes);
    if (!awaitExit(pid, known, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
      throw new PostgresControlException(
          Kind.STOP_FAILED,
          "PostgreSQL on "
              + config.dataDir()
              + " (pid "
              + pid
              + ") did not quit within "
              + timeout);
    }
    return running;
  }

  /** Waits for the exit of {@code pid} (through {@code known} when supervised); true once gone. */
  private static boolean awaitExit(long pid, Postmaster known, Duration timeout) {
    CompletableFuture<?> exit =
        known != null
            ? known.exit()
            : ProcessHandle.of(pid)
                .<CompletableFuture<?>>map(ProcessHandle::onExit)
                .orElse(CompletableFuture.completedFuture(null));
    try {
      exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }
  }

  /** Stops watching: exit listeners are no longer called. PostgreSQL keeps running. */
  @Override
  public void close() {
    exitListeners.clear();
    notifier.shutdown();
  }
}
