package io.pgha.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What one process costs the host at an instant, read from {@code /proc}: the CPU time it has used
 * so far (user + system, its threads included), its resident memory and its thread count.
 */
record ProcessFootprint(long cpuNanos, long rssKilobytes, int threads) {
  /** Linux's clock tick for {@code /proc/<pid>/stat}: 100 Hz on every mainstream kernel build. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  static ProcessFootprint of(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    List<String> status =
        Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
    return new ProcessFootprint(
        ticks * NANOS_PER_TICK,
        statusValue(status, "VmRSS:"),
        (int) statusValue(status, "Threads:"));
  }

  private static long statusValue(List<String> status, String key) {
    return status.stream()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).trim().split("\\s+")[0])
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("/proc status has no " + key));
  }
}
