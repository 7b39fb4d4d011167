package io.pgha.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signals to whole process groups, and who is still in one. Each launched process leads its own
 * group (it is started through {@code setsid}), so a signal to the group also reaches the children
 * it forked, such as PostgreSQL backends.
 */
final class ProcessGroups {

  private static final Path PROC = Path.of("/proc");

  private ProcessGroups() {}

  /** Sends {@code signal} (e.g. "KILL", "STOP") to every process in group {@code pgid}. */
  static void signalGroup(long pgid, String signal) {
    runKill(signal, "-" + pgid);
  }

  /** Sends {@code signal} to the single process {@code pid}. */
  static void signal(long pid, String signal) {
    runKill(signal, Long.toString(pid));
  }

  /** Live (not zombie) processes whose process group is {@code pgid}. */
  static List<Long> members(long pgid) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        ProcStat stat = ProcStat.read(entry.resolve("stat"));
        if (stat != null && stat.pgid() == pgid && stat.state() != 'Z' && stat.state() != 'X') {
          pids.add(stat.pid());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + PROC, e);
    }
    return pids;
  }

  private static void runKill(String signal, String target) {
    ProcessBuilder builder =
        new ProcessBuilder("kill", "-s", signal, "--", target)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process kill = builder.start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("'kill -s " + signal + " " + target + "' hung");
      }
      // A non-zero exit means no such process: the target is already gone, which is fine.
    } catch (IOException e) {
      throw new IllegalStateException("cannot run 'kill -s " + signal + " -- " + target + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + target, e);
    }
  }

  /** The fields of /proc/PID/stat the kit needs. */
  record ProcStat(long pid, char state, long pgid) {

    /** Parses a stat file; null if the process is gone. */
    static ProcStat read(Path statFile) {
      String text;
      try {
        text = Files.readString(statFile);
      } catch (IOException e) {
        return null;
      }
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      int close = text.lastIndexOf(')');
      if (close < 0) {
        return null;
      }
      String[] fields = text.substring(close + 2).split(" ");
      long pid = Long.parseLong(text.substring(0, text.indexOf(' ')));
      return new ProcStat(pid, fields[0].charAt(0), Long.parseLong(fields[2]));
    }
  }
}
