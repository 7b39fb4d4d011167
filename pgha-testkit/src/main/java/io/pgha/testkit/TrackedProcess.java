package io.pgha.testkit;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Stream;

/**
 * One OS process the kit started: what it is, its PID, its log file, the children it had when the
 * kit stopped or paused it, and whether its owner has ended it.
 */
public final class TrackedProcess {

  private final String name;
  private final ProcessTree.Pid leader;
  private final Path logFile;
  private final Set<ProcessTree.Pid> children = new CopyOnWriteArraySet<>();
  private volatile boolean released;

  TrackedProcess(String name, ProcessTree.Pid leader, Path logFile) {
    this.name = name;
    this.leader = leader;
    this.logFile = logFile;
  }

  /** What the process is, e.g. {@code "etcd-1234/etcd0"}. */
  public String name() {
    return name;
  }

  /** The PID of the started process (also the id of the process group it leads). */
  public long pid() {
    return leader.pid();
  }

  /** Where its output goes. */
  public Path logFile() {
    return logFile;
  }

  /** True once the owner has stopped or killed it: it must then be gone, with its children. */
  public boolean released() {
    return released;
  }

  /**
   * PIDs still running among the process, the children recorded when it was stopped, killed or
   * paused, and its process group. Zombies and reused PIDs do not count. Empty when fully gone.
   */
  public List<Long> alivePids() {
    Stream<Long> recorded =
        Stream.concat(Stream.of(leader), children.stream())
            .filter(ProcessTree.Pid::isAlive)
            .map(ProcessTree.Pid::pid);
    Stream<Long> group =
        leader.isAlive() ? Stream.empty() : ProcessTree.groupMembers(pid()).stream();
    return Stream.concat(recorded, group).distinct().toList();
  }

  /** True if anything listed by {@link #alivePids()} still runs. */
  public boolean isAlive() {
    return !alivePids().isEmpty();
  }

  ProcessTree.Pid leader() {
    return leader;
  }

  void recordChildren(Collection<ProcessTree.Pid> pids) {
    children.addAll(pids);
  }

  Set<ProcessTree.Pid> children() {
    return children;
  }

  void markReleased() {
    released = true;
  }

  @Override
  public String toString() {
    return name
        + " (pid "
        + pid()
        + (children.isEmpty()
            ? ""
            : ", children " + children.stream().map(ProcessTree.Pid::pid).toList())
        + (released ? ", released" : "")
        + ", log "
        + logFile
        + ")";
  }
}
