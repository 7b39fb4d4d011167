package io.pgha.testkit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One OS process the kit started: what it is, its PID (which is also its process group id), its log
 * file, and whether its owner has ended it.
 */
public final class TrackedProcess {

  private final String name;
  private final long pid;
  private final Path logFile;
  private final Optional<Instant> startedAt;
  private volatile boolean released;

  TrackedProcess(String name, long pid, Path logFile, Optional<Instant> startedAt) {
    this.name = name;
    this.pid = pid;
    this.logFile = logFile;
    this.startedAt = startedAt;
  }

  /** What the process is, e.g. {@code "etcd-1234/etcd0"}. */
  public String name() {
    return name;
  }

  /** The PID of the started process, also the id of the process group it leads. */
  public long pid() {
    return pid;
  }

  /** Where its output goes. */
  public Path logFile() {
    return logFile;
  }

  /** True once the owner has stopped or killed it (it must then be gone, with its children). */
  public boolean released() {
    return released;
  }

  /**
   * True if the process itself or anything left in its process group (e.g. a PostgreSQL backend)
   * still runs. PID reuse is ruled out by comparing start times.
   */
  public boolean isAlive() {
    return leaderAlive() || !ProcessGroups.members(pid).isEmpty();
  }

  /** Live processes still in its process group (empty when it is fully gone). */
  public List<Long> remainingGroupMembers() {
    return ProcessGroups.members(pid);
  }

  void markReleased() {
    released = true;
  }

  private boolean leaderAlive() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(handle -> startedAt.isEmpty() || handle.info().startInstant().equals(startedAt))
        .isPresent();
  }

  @Override
  public String toString() {
    return name + " (pid " + pid + (released ? ", released" : "") + ", log " + logFile + ")";
  }
}
