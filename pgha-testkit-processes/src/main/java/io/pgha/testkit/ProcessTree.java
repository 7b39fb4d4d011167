package io.pgha.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Signals to a process and everything it forked, read from /proc.
 *
 * <p>A process group is not enough: PostgreSQL children call {@code setsid()} and lead their own
 * groups, and once the postmaster dies they are re-parented. So the kit freezes the leader first
 * (no new children can appear), collects its descendants, and signals them one by one. Liveness is
 * read from /proc/PID/stat, where a zombie that nobody reaps does not count as alive and a reused
 * PID is told apart by its start time.
 */
final class ProcessTree {

  private static final Path PROC = Path.of("/proc");
  private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(5);

  private ProcessTree() {}

  /** A process identity that survives PID reuse: the PID and its start time in clock ticks. */
  record Pid(long pid, long startTicks) {

    /** True while this very process exists and is not a zombie. */
    boolean isAlive() {
      ProcStat stat = ProcStat.read(pid);
      return stat != null && stat.startTicks() == startTicks && stat.isLive();
    }
  }

  /** The identity of {@code pid}, if it runs. */
  static Optional<Pid> identify(long pid) {
    ProcStat stat = ProcStat.read(pid);
    return stat == null || !stat.isLive()
        ? Optional.empty()
        : Optional.of(new Pid(pid, stat.startTicks()));
  }

  /** Every live process forked (directly or not) by {@code pid} that is still its descendant. */
  static List<Pid> descendants(long pid) {
    return ProcessHandle.of(pid).stream()
        .flatMap(ProcessHandle::descendants)
        .map(handle -> identify(handle.pid()))
        .flatMap(Optional::stream)
        .toList();
  }

  /**
   * Stops (SIGSTOP) {@code leader} and then all its descendants, until no new one appears, and
   * waits (boundedly) until each is seen stopped: a stop signal takes effect asynchronously.
   *
   * @return the descendants, now stopped
   */
  static Set<Pid> freeze(long leader) {
    signal("STOP", List.of(leader));
    awaitStopped(leader);
    Set<Pid> frozen = new LinkedHashSet<>();
    while (true) {
      List<Pid> found = descendants(leader).stream().filter(p -> !frozen.contains(p)).toList();
      if (found.isEmpty()) {
        return frozen;
      }
      signal("STOP", found.stream().map(Pid::pid).toList());
      found.forEach(child -> awaitStopped(child.pid()));
      frozen.addAll(found);
    }
  }

  /**
   * Kills (SIGKILL) {@code leader}, its process group and every descendant, freezing them first so
   * none forks or is re-parented in between.
   *
   * @return the descendants that were killed
   */
  static Set<Pid> killTree(long leader) {
    Set<Pid> family = freeze(leader);
    List<String> targets = new ArrayList<>();
    targets.add(Long.toString(leader));
    targets.add("-" + leader);
    for (Pid member : family) {
      targets.add(Long.toString(member.pid()));
    }
    runKill("KILL", targets);
    return family;
  }

  /** Sends {@code signal} (e.g. "CONT", "INT") to each of {@code pids}; gone ones are skipped. */
  static void signal(String signal, Collection<Long> pids) {
    if (!pids.isEmpty()) {
      runKill(signal, pids.stream().map(String::valueOf).toList());
    }
  }

  /** Live (not zombie) processes whose process group is {@code pgid}. */
  static List<Long> groupMembers(long pgid) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        ProcStat stat = ProcStat.read(Long.parseLong(entry.getFileName().toString()));
        if (stat != null && stat.pgid() == pgid && stat.isLive()) {
          pids.add(stat.pid());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + PROC, e);
    }
    return pids;
  }

  private static void awaitStopped(long pid) {
    Poll.until(
        FREEZE_TIMEOUT,
        () -> {
          ProcStat stat = ProcStat.read(pid);
          return stat == null || !stat.isLive() || stat.state() == 'T' || stat.state() == 't';
        });
  }

  private static void runKill(String signal, List<String> targets) {
    List<String> command = new ArrayList<>(List.of("kill", "-s", signal, "--"));
    command.addAll(targets);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process kill = builder.start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("'" + String.join(" ", command) + "' hung");
      }
      // A non-zero exit means some target was already gone, which is what we want anyway.
    } catch (IOException e) {
      throw new IllegalStateException("cannot run '" + String.join(" ", command) + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** The fields of /proc/PID/stat the kit needs. */
  record ProcStat(long pid, char state, long pgid, long startTicks) {

    boolean isLive() {
      return state != 'Z' && state != 'X' && state != 'x';
    }

    /** Reads /proc/PID/stat; null if the process is gone. */
    static ProcStat read(long pid) {
      String text;
      try {
        text = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      } catch (IOException e) {
        return null;
      }
      // "pid (comm) state ppid pgrp ... starttime(22nd field)": comm may hold spaces and ')'.
      int close = text.lastIndexOf(')');
      if (close < 0) {
        return null;
      }
      String[] fields = text.substring(close + 2).split(" ");
      return new ProcStat(
          pid, fields[0].charAt(0), Long.parseLong(fields[2]), Long.parseLong(fields[19]));
    }
  }
}
