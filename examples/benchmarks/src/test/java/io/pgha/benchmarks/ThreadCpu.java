package io.pgha.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time each thread of a process has used so far, from {@code /proc/<pid>/task}, summed by
 * thread name with digits replaced by {@code #} (the kernel keeps 15 characters of a name), so that
 * the threads of several agents, or of one pool, add up.
 */
final class ThreadCpu {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ThreadCpu() {}

  static Map<String, Long> of(long pid) {
    Map<String, Long> nanos = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        nanos.merge(name.replaceAll("[0-9]+", "#"), ticks * NANOS_PER_TICK, Long::sum);
      }
    } catch (IOException e) {
      // the process ended: nothing to count
    }
    return nanos;
  }

  /** What each name used from {@code before} to {@code after} (threads started meanwhile count). */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new HashMap<>();
    after.forEach((name, n) -> d.put(name, n - before.getOrDefault(name, 0L)));
    return d;
  }
}
