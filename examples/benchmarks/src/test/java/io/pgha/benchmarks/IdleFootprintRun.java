package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an idle agent costs its host: a healthy 3-member cluster (ttl 10, loop_wait 2) left alone;
 * after a warm-up, each agent's CPU time over a window (as CPU seconds per minute), its resident
 * memory, threads and live heap, for pgha (agents in JVMs of their own, with the JVM options of the
 * shipped systemd unit) and for Patroni. A bare JVM with the same options, doing nothing, gives
 * what the agent adds to a host application. Not part of {@code verify}: see the {@code idle}
 * profile.
 */
class IdleFootprintRun {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration LOOP_WAIT = Duration.ofSeconds(2);
  private static final Duration RETRY_TIMEOUT = Duration.ofSeconds(4);

  /** One agent's figures over the window. */
  record Sample(
      String system,
      String member,
      double cpuSecondsPerMinute,
      long rssMb,
      int threads,
      long heapMb) {}

  /**
   * Where a system's idle time goes over the window: etcd's gRPC calls and stream messages per
   * minute by method (the whole cluster), and CPU seconds per minute by thread name (all members).
   */
  record Breakdown(
      String system, Map<String, Double> etcdPerMinute, Map<String, Double> threadCpu) {}

  @Test
  void measureIdleAgents() throws Exception {
    Duration warmUp = Duration.ofSeconds(Long.getLong("idle.warmup", 60));
    Duration window = Duration.ofSeconds(Long.getLong("idle.window", 60));
    List<String> systems =
        Arrays.asList(
            System.getProperty("idle.systems", "pgha-async,pgha-sync,patroni").split(","));
    Path unit = Path.of(System.getProperty("idle.unit"));
    List<String> jvmOptions = unitJvmOptions(unit);
    requireUnitEnvironment(unit);
    // Native memory tracking on the agents: what their resident memory is made of (a summary per
    // agent next to the report). Costs a little memory itself; off by default.
    boolean nmt = Boolean.getBoolean("idle.nmt");
    List<String> agentJvmOptions = new ArrayList<>(jvmOptions);
    if (nmt) {
      agentJvmOptions.add("-XX:NativeMemoryTracking=summary");
    }
    Path output = Path.of(System.getProperty("idle.output", "target/idle"));
    Files.createDirectories(output);

    Progress progress = Progress.ofSteps("idle footprint", systems.size() + 1);
    List<Sample> samples = new ArrayList<>();
    List<Breakdown> breakdowns = new ArrayList<>();
    int step = 0;
    progress.step(++step, "a bare JVM with the unit's options");
    samples.add(bareJvm(jvmOptions, warmUp, window));
    for (String system : systems) {
      progress.step(++step, system + ": warm-up " + warmUp + ", then a window of " + window);
      try (BenchCluster cluster = start(system, agentJvmOptions)) {
        cluster.awaitHealthy(Duration.ofMinutes(5)); // generous: a busy host starts slowly
        samples.addAll(measure(system, cluster, warmUp, window, breakdowns));
      }
    }
    Files.writeString(
        output.resolve("report.md"),
        report(samples, breakdowns, jvmOptions, warmUp, window),
        StandardCharsets.UTF_8);
    assertThat(samples).allSatisfy(s -> assertThat(s.cpuSecondsPerMinute()).isNotNegative());
  }

  private static BenchCluster start(String system, List<String> jvmOptions) {
    return switch (system) {
      case "pgha-async" ->
          new PghaBenchCluster(TTL, LOOP_WAIT, RETRY_TIMEOUT, false, true, jvmOptions);
      case "pgha-sync" ->
          new PghaBenchCluster(TTL, LOOP_WAIT, RETRY_TIMEOUT, true, true, jvmOptions);
      case "patroni" ->
          new PatroniBenchCluster(
              "idle-patroni",
              (int) TTL.toSeconds(),
              (int) LOOP_WAIT.toSeconds(),
              (int) RETRY_TIMEOUT.toSeconds(),
              false);
      default -> throw new IllegalArgumentException("idle.systems (" + system + ") unknown system");
    };
  }

  private static List<Sample> measure(
      String system,
      BenchCluster cluster,
      Duration warmUp,
      Duration window,
      List<Breakdown> breakdowns)
      throws Exception {
    Thread.sleep(warmUp.toMillis());
    List<Long> pids = new ArrayList<>();
    List<ProcessFootprint> before = new ArrayList<>();
    List<Map<String, Long>> threadsBefore = new ArrayList<>();
    Map<String, Double> etcdBefore = EtcdCallCounts.take(cluster.etcdEndpoints());
    for (String member : cluster.members()) {
      long pid = cluster.agentPid(member).orElseThrow();
      pids.add(pid);
      before.add(ProcessFootprint.of(pid));
      threadsBefore.add(ThreadCpu.of(pid));
    }
    if (Boolean.getBoolean("idle.nmt") && system.startsWith("pgha")) {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      for (int i = 0; i < pids.size(); i++) {
        Files.writeString(
            Path.of(System.getProperty("idle.output", "target/idle"))
                .resolve(system + "-" + cluster.members().get(i) + "-nmt.txt"),
            run(
                List.of(
                    jcmd.toString(), Long.toString(pids.get(i)), "VM.native_memory", "summary")),
            StandardCharsets.UTF_8);
      }
    }
    if (Boolean.getBoolean("idle.jfr")) {
      // A flight recording of each agent over the window, to see where its idle CPU goes.
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      for (int i = 0; i < pids.size(); i++) {
        Path file =
            Path.of(System.getProperty("idle.output", "target/idle"))
                .resolve(system + "-" + cluster.members().get(i) + ".jfr")
                .toAbsolutePath();
        run(
            List.of(
                jcmd.toString(),
                Long.toString(pids.get(i)),
                "JFR.start",
                "settings=profile",
                "duration=" + window.toSeconds() + "s",
                "filename=" + file));
      }
    }
    long start = System.nanoTime();
    Thread.sleep(window.toMillis());
    double minutes = (System.nanoTime() - start) / 60e9;
    Map<String, Double> etcdAfter = EtcdCallCounts.take(cluster.etcdEndpoints());
    Map<String, Double> etcdPerMinute = new TreeMap<>();
    etcdAfter.forEach(
        (k, v) -> {
          double d = v - etcdBefore.getOrDefault(k, 0.0);
          if (d > 0) {
            etcdPerMinute.put(k, d / minutes);
          }
        });
    Map<String, Double> threadCpu = new TreeMap<>();
    for (int i = 0; i < pids.size(); i++) {
      ThreadCpu.delta(threadsBefore.get(i), ThreadCpu.of(pids.get(i)))
          .forEach((name, nanos) -> threadCpu.merge(name, nanos / 1e9 / minutes, Double::sum));
    }
    breakdowns.add(new Breakdown(system, etcdPerMinute, threadCpu));
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < pids.size(); i++) {
      ProcessFootprint after = ProcessFootprint.of(pids.get(i));
      out.add(
          new Sample(
              system,
              cluster.members().get(i),
              (after.cpuNanos() - before.get(i).cpuNanos()) / 1e9 / minutes,
              after.rssKilobytes() / 1024,
              after.threads(),
              system.startsWith("pgha") ? liveHeapMb(pids.get(i)) : -1));
    }
    return out;
  }

  private static Sample bareJvm(List<String> jvmOptions, Duration warmUp, Duration window)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      Thread.sleep(Math.min(warmUp.toMillis(), 10_000));
      ProcessFootprint before = ProcessFootprint.of(p.pid());
      long start = System.nanoTime();
      Thread.sleep(window.toMillis());
      double minutes = (System.nanoTime() - start) / 60e9;
      ProcessFootprint after = ProcessFootprint.of(p.pid());
      return new Sample(
          "bare JVM",
          "-",
          (after.cpuNanos() - before.cpuNanos()) / 1e9 / minutes,
          after.rssKilobytes() / 1024,
          after.threads(),
          liveHeapMb(p.pid()));
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The heap in use after a full collection, from {@code jcmd} (-1 when it cannot tell). */
  private static long liveHeapMb(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    run(List.of(jcmd.toString(), Long.toString(pid), "GC.run"));
    String info = run(List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
    // The generations' lines only: Metaspace and class space say "used" too.
    Matcher m = Pattern.compile("generation +total \\d+K, used (\\d+)K").matcher(info);
    long kb = 0;
    boolean found = false;
    while (m.find()) {
      kb += Long.parseLong(m.group(1));
      found = true;
    }
    return found ? kb / 1024 : -1;
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The JVM options of the shipped systemd unit's {@code PGHA_JAVA_OPTS}. */
  static List<String> unitJvmOptions(Path unit) throws IOException {
    Matcher m =
        Pattern.compile("Environment=\"PGHA_JAVA_OPTS=([^\"]*)\"")
            .matcher(Files.readString(unit, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IllegalStateException(unit + " sets no PGHA_JAVA_OPTS");
    }
    return Arrays.asList(m.group(1).trim().split("\\s+"));
  }

  /**
   * The unit's {@code Environment=MALLOC_...=value} lines (the C library's settings, which shape
   * the JVM's memory) must be this JVM's environment, which the agents' JVMs inherit: the idle
   * profile sets them.
   */
  static void requireUnitEnvironment(Path unit) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^Environment=(MALLOC_[A-Z_]+)=(\\S+)$")
            .matcher(Files.readString(unit, StandardCharsets.UTF_8));
    while (m.find()) {
      if (!m.group(2).equals(System.getenv(m.group(1)))) {
        throw new IllegalStateException(
            m.group(1)
                + " ("
                + System.getenv(m.group(1))
                + ") must be "
                + m.group(2)
                + " as in "
                + unit
                + ": set it in the idle profile's environmentVariables");
      }
    }
  }

  private static String report(
      List<Sample> samples,
      List<Breakdown> breakdowns,
      List<String> jvmOptions,
      Duration warmUp,
      Duration window) {
    StringBuilder b = new StringBuilder("# Idle footprint of an agent\n\n");
    b.append("A healthy 3-member cluster, ttl ")
        .append(TTL.toSeconds())
        .append(" s, loop_wait ")
        .append(LOOP_WAIT.toSeconds())
        .append(" s, left alone; warm-up ")
        .append(warmUp.toSeconds())
        .append(" s, then CPU time over ")
        .append(window.toSeconds())
        .append(" s from /proc/<pid>/stat. pgha agents run in JVMs of their own with the systemd")
        .append(" unit's options `")
        .append(String.join(" ", jvmOptions))
        .append("` and environment `MALLOC_ARENA_MAX=")
        .append(System.getenv("MALLOC_ARENA_MAX"))
        .append("`; live heap is what `jcmd GC.heap_info` shows used after `GC.run`.\n\n");
    for (Map.Entry<String, String> e : MachineInfo.describe().entrySet()) {
      b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    b.append("- load average at the end: ").append(loadAverage()).append("\n\n");
    b.append("| system | member | CPU s/min | RSS MB | threads | live heap MB |\n");
    b.append("|---|---|---:|---:|---:|---:|\n");
    for (Sample s : samples) {
      b.append(
          String.format(
              "| %s | %s | %.2f | %d | %d | %s |%n",
              s.system(),
              s.member(),
              s.cpuSecondsPerMinute(),
              s.rssMb(),
              s.threads(),
              s.heapMb() < 0 ? "-" : Long.toString(s.heapMb())));
    }
    for (Breakdown d : breakdowns) {
      b.append("\n## ").append(d.system()).append(": where the time goes\n\n");
      b.append("etcd, per minute (all members' calls; `started` counts unary calls and streams")
          .append(" opened, `received` the requests, stream messages included):\n\n");
      d.etcdPerMinute().forEach((k, v) -> b.append(String.format("- %s: %.0f%n", k, v)));
      b.append("\nCPU seconds per minute by thread, all members together (busiest first):\n\n");
      d.threadCpu().entrySet().stream()
          .filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> b.append(String.format("- %s: %.3f%n", e.getKey(), e.getValue())));
    }
    return b.toString();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** A JVM that does nothing: the floor an agent's figures are compared with. */
  static final class IdleJvm {
    private IdleJvm() {}

    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
