package io.pgha.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an OS process: started in its own session and process group (via {@code setsid}),
 * stdin from /dev/null, stdout and stderr appended to a log file, recorded by {@link
 * ProcessTracker}. Signals reach the process and all it forked. A restart is a new {@code
 * ManagedProcess}.
 */
final class ManagedProcess {

  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final TrackedProcess tracked;
  private final Path logFile;
  private volatile boolean paused;

  private ManagedProcess(String name, Process process, TrackedProcess tracked, Path logFile) {
    this.name = name;
    this.process = process;
    this.tracked = tracked;
    this.logFile = logFile;
  }

  /**
   * Starts {@code command}.
   *
   * @param name what it is, for logs and errors
   * @param command the program and its arguments
   * @param logFile where stdout and stderr are appended
   */
  static ManagedProcess start(String name, List<String> command, Path logFile) {
    List<String> full = new ArrayList<>();
    // setsid only execs (keeps the PID) because our child is never a group leader itself.
    // A session of its own keeps a terminal's Ctrl-C away from it: the shutdown hook ends it.
    full.add("setsid");
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    scrubEnvironment(builder.environment());
    try {
      Files.writeString(
          logFile,
          "---- pgha-testkit starts: " + String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process process = builder.start();
      awaitOwnGroup(process);
      TrackedProcess tracked = ProcessTracker.register(name, process, logFile);
      log.debug("{}: started pid {} ({}), log {}", name, process.pid(), command, logFile);
      return new ManagedProcess(name, process, tracked, logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  /**
   * Waits until the child has run setsid (it leads its own group), so that no signal meant for its
   * group can miss it. Bounded: a child that dies first is reported by the caller's own checks.
   */
  private static void awaitOwnGroup(Process process) {
    Poll.until(
        Duration.ofSeconds(5),
        () -> {
          ProcessTree.ProcStat stat = ProcessTree.ProcStat.read(process.pid());
          return stat == null || !stat.isLive() || stat.pgid() == process.pid();
        });
  }

  /** Variables that would silently change how etcd or PostgreSQL tools behave. */
  private static void scrubEnvironment(Map<String, String> environment) {
    environment.keySet().removeIf(key -> key.startsWith("ETCD") || key.startsWith("PG"));
  }

  long pid() {
    return process.pid();
  }

  Path logFile() {
    return logFile;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  boolean isPaused() {
    return paused && process.isAlive();
  }

  /** SIGSTOP to the process and then to everything it forked: the whole tree freezes. */
  void pause() {
    int children = tracked.pause();
    paused = true;
    log.info("{}: paused pid {} and {} child(ren) (SIGSTOP)", name, pid(), children);
  }

  /** SIGCONT to the process and everything it forked. */
  void resume() {
    tracked.resume();
    paused = false;
    log.info("{}: resumed pid {} and its children (SIGCONT)", name, pid());
  }

  /**
   * Asks the process to stop with {@code signal} and waits up to {@code grace}, then makes sure
   * that it and every child are gone (SIGKILL to what is left). A paused tree is resumed so it can
   * handle the signal.
   */
  void stop(String signal, Duration grace) {
    if (process.isAlive()) {
      tracked.recordChildren(ProcessTree.descendants(pid()));
      ProcessTree.signal(signal, List.of(pid()));
      if (paused) {
        resume();
      }
      if (!waitForExit(grace)) {
        log.warn("{}: pid {} ignored SIG{} for {}, killing it", name, pid(), signal, grace);
      }
    }
    kill();
  }

  /** SIGKILL to the process, its group and its children; waits until all of them are gone. */
  void kill() {
    paused = false;
    tracked.kill();
    if (!waitForExit(EXIT_TIMEOUT)) {
      throw new IllegalStateException(name + ": pid " + pid() + " was not reaped after SIGKILL");
    }
  }

  boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
    }
  }

  /** The last lines of the log file, for error messages. */
  String logTail(int lines) {
    return LogFiles.tail(logFile, lines);
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
