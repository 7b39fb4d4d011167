package io.pgha.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

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

  /**
   * Freezes the process and then every descendant (SIGSTOP; the process first, so that it forks
   * nothing meanwhile). For a postmaster: the server and all backends stop answering.
   *
   * @return how many descendants were stopped
   */
  public int pause() {
    Set<ProcessTree.Pid> frozen = ProcessTree.freeze(pid());
    recordChildren(frozen);
    return frozen.size();
  }

  /** Undoes {@link #pause()}: SIGCONT to the process and every descendant. */
  public void resume() {
    List<Long> tree = new ArrayList<>();
    tree.add(pid());
    ProcessTree.descendants(pid()).forEach(child -> tree.add(child.pid()));
    ProcessTree.signal("CONT", tree);
  }

  /**
   * Kills (SIGKILL) the process, its process group and every descendant, waits until all are gone
   * and marks it released.
   *
   * @throws IllegalStateException if something survives for 30 s
   */
  public void kill() {
    signalKill();
    if (!Poll.until(KILL_TIMEOUT, () -> !isAlive())) {
      throw new IllegalStateException(
          name + ": processes " + alivePids() + " survived SIGKILL for " + KILL_TIMEOUT);
    }
    markReleased();
  }

  /** SIGKILL to the process, its group, its descendants and the children recorded earlier. */
  void signalKill() {
    if (leader.isAlive()) {
      recordChildren(ProcessTree.killTree(pid()));
    }
    ProcessTree.signal(
        "KILL",
        children.stream().filter(ProcessTree.Pid::isAlive).map(ProcessTree.Pid::pid).toList());
  }

  void recordChildren(Collection<ProcessTree.Pid> pids) {
    children.addAll(pids);
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
