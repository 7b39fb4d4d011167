package io.pgha.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every OS process the kit starts in this JVM (and those a test {@linkplain #adopt adopts})
 * and kills those still running, with their children, when the JVM exits. A suite proves it left
 * nothing behind with {@code assertThat(ProcessTracker.alive()).isEmpty()} in a test class that
 * runs last.
 */
public final class ProcessTracker {

  private static final Logger log = LoggerFactory.getLogger(ProcessTracker.class);
  private static final List<TrackedProcess> PROCESSES = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ProcessTracker::killUnreleased, "pgha-testkit-cleanup"));
  }

  private ProcessTracker() {}

  /** Every process recorded so far, in start order. */
  public static List<TrackedProcess> all() {
    return List.copyOf(PROCESSES);
  }

  /**
   * Recorded processes that still run, themselves or a child (see {@link
   * TrackedProcess#alivePids()}).
   */
  public static List<TrackedProcess> alive() {
    return PROCESSES.stream().filter(TrackedProcess::isAlive).toList();
  }

  /** Recorded processes whose owner has not stopped, killed or closed them yet. */
  public static List<TrackedProcess> unreleased() {
    return PROCESSES.stream().filter(p -> !p.released()).toList();
  }

  /**
   * Records a process that code under test started (e.g. a postmaster an HA agent launched with
   * pg_ctl, whose PID is in postmaster.pid), so that it is killed at JVM exit if still running and
   * checked by {@link #alive()}. End it with {@link TrackedProcess#kill()}.
   *
   * @throws IllegalArgumentException if no such process runs
   */
  public static TrackedProcess adopt(String name, long pid, Path logFile) {
    ProcessTree.Pid identity =
        ProcessTree.identify(pid)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "cannot adopt pid " + pid + " (" + name + "): it does not run"));
    TrackedProcess tracked = new TrackedProcess(name, identity, logFile);
    PROCESSES.add(tracked);
    return tracked;
  }

  /**
   * Kills (SIGKILL) every process not yet released, with its children, and marks it released. Runs
   * when the JVM exits.
   */
  public static void killUnreleased() {
    for (TrackedProcess process : unreleased()) {
      if (process.isAlive()) {
        log.warn("killing {}: its owner did not close it", process);
        process.signalKill();
      }
      process.markReleased();
    }
  }

  static TrackedProcess register(String name, Process process, Path logFile) {
    ProcessTree.Pid leader =
        ProcessTree.identify(process.pid()).orElse(new ProcessTree.Pid(process.pid(), -1));
    TrackedProcess tracked = new TrackedProcess(name, leader, logFile);
    PROCESSES.add(tracked);
    return tracked;
  }
}
