package io.pgha.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every OS process the kit starts in this JVM and kills those still running when the JVM
 * exits. Tests use {@link #leftovers()} to prove that closed resources left nothing behind.
 */
public final class ProcessTracker {

  private static final Logger log = LoggerFactory.getLogger(ProcessTracker.class);
  private static final List<TrackedProcess> PROCESSES = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ProcessTracker::killUnreleased, "pgha-testkit-cleanup"));
  }

  private ProcessTracker() {}

  /** Every process started so far, in start order. */
  public static List<TrackedProcess> all() {
    return List.copyOf(PROCESSES);
  }

  /** Processes whose owner has not ended them yet (their resource is still open). */
  public static List<TrackedProcess> unreleased() {
    return PROCESSES.stream().filter(p -> !p.released()).toList();
  }

  /**
   * Processes that were ended by their owner but still run, themselves or a child in their process
   * group. Empty when the kit cleaned up properly.
   */
  public static List<TrackedProcess> leftovers() {
    return PROCESSES.stream()
        .filter(TrackedProcess::released)
        .filter(TrackedProcess::isAlive)
        .toList();
  }

  /**
   * Kills (SIGKILL) the process groups of all processes not yet released and marks them released.
   * Runs automatically when the JVM exits.
   */
  public static void killUnreleased() {
    List<TrackedProcess> killed = new ArrayList<>();
    for (TrackedProcess process : unreleased()) {
      kill(process);
      process.markReleased();
      killed.add(process);
    }
    if (!killed.isEmpty()) {
      log.warn("killed {} process(es) their owners did not close: {}", killed.size(), killed);
    }
  }

  /** SIGKILL to the process, its group, its descendants and the children recorded earlier. */
  static void kill(TrackedProcess process) {
    if (process.leader().isAlive()) {
      process.recordChildren(ProcessTree.killTree(process.pid()));
    }
    ProcessTree.signal(
        "KILL",
        process.children().stream()
            .filter(ProcessTree.Pid::isAlive)
            .map(ProcessTree.Pid::pid)
            .toList());
  }

  static TrackedProcess register(String name, Process process, Path logFile) {
    ProcessTree.Pid leader =
        ProcessTree.identify(process.pid()).orElse(new ProcessTree.Pid(process.pid(), -1));
    TrackedProcess tracked = new TrackedProcess(name, leader, logFile);
    PROCESSES.add(tracked);
    return tracked;
  }
}
