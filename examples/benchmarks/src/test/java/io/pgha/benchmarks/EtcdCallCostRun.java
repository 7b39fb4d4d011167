package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.LocalEtcd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What one etcd call costs an agent in CPU, by kind of call: a 3-member etcd and, in JVMs with the
 * shipped systemd unit's options and environment, pgha's etcd client making each kind of call an
 * idle agent makes (lease keep-alive on pgha's stream, a single-key range, the keys-only prefix
 * range with limit 1, the leader's renewal transaction) at an idle agent's pace, after a warm-up;
 * the CPU of a phase without calls is taken off. Variants of the client's settings run side by side
 * (so they share the host's load). Not part of {@code verify}: see the {@code call-cost} profile.
 */
class EtcdCallCostRun {
  /**
   * The variants: a name, then the environment and system properties that differ from the unit's.
   */
  private static final Map<String, List<String>> VARIANTS =
      Map.of(
          "unit", List.of(),
          "autoflow-on", List.of("GRPC_EXPERIMENTAL_AUTOFLOWCONTROL=true"),
          "autoflow-off", List.of("GRPC_EXPERIMENTAL_AUTOFLOWCONTROL=false"),
          "pick_first", List.of("-Dcallcost.lb=pick_first"),
          "direct-executor", List.of("-Dcallcost.executor=direct"),
          // The JIT's second tier (the unit has C1 only), and the same calls ten times as often.
          "c2", List.of("-XX:TieredStopAtLevel=4", "-XX:CICompilerCount=2"),
          "rate50", List.of("-Dcallcost.rate=50"),
          // Where the time goes: a flight recording of execution samples every millisecond, in the
          // output directory (the file's name is the variant's and run's).
          "jfr", List.of("-XX:StartFlightRecording=settings={jfc},filename={output}/{run}.jfr"));

  private static final Pattern RESULT = Pattern.compile("RESULT phase=(\\S+) calls=(\\d+) (.*)");

  @Test
  void measureCallCost() throws Exception {
    Path unit = Path.of(System.getProperty("callcost.unit"));
    List<String> jvmOptions = IdleFootprintRun.unitJvmOptions(unit);
    Map<String, String> unitEnv = unitEnvironment(unit);
    List<String> variants = List.of(System.getProperty("callcost.variants", "unit").split(","));
    int repeat = Integer.getInteger("callcost.repeat", 2);
    String warmUp = System.getProperty("callcost.warmup", "60");
    String window = System.getProperty("callcost.window", "40");
    String rate = System.getProperty("callcost.rate", "5");
    String phases = System.getProperty("callcost.phases", "idle,keepalive,get,prefix,txn,mix");
    Path output = Path.of(System.getProperty("callcost.output", "target/call-cost"));
    Files.createDirectories(output);

    Map<String, List<String>> lines = new LinkedHashMap<>();
    try (LocalEtcd etcd = LocalEtcd.start(3)) {
      String endpoints = String.join(",", etcd.clientEndpoints());
      Map<String, Process> children = new LinkedHashMap<>();
      try {
        for (String variant : variants) {
          List<String> changes = VARIANTS.get(variant);
          if (changes == null) {
            throw new IllegalArgumentException("callcost.variants (" + variant + ") unknown");
          }
          for (int r = 1; r <= repeat; r++) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            Map<String, String> env = new LinkedHashMap<>(unitEnv);
            for (String c : changes) {
              if (c.startsWith("-")) {
                command.add(
                    c.replace("{jfc}", System.getProperty("callcost.jfc", "profile"))
                        .replace("{output}", output.toAbsolutePath().toString())
                        .replace("{run}", variant + "-" + r));
              } else {
                env.put(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1));
              }
            }
            command.addAll(
                List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.pgha.core.dcs.EtcdCallCostMain",
                    endpoints,
                    warmUp,
                    window,
                    rate,
                    phases));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("GRPC_"));
            pb.environment().putAll(env);
            children.put(variant + " #" + r, pb.start());
          }
        }
        for (Map.Entry<String, Process> c : children.entrySet()) {
          List<String> out = new ArrayList<>();
          try (BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(c.getValue().getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
              out.add(l);
            }
          }
          assertThat(c.getValue().waitFor(10, TimeUnit.MINUTES)).isTrue();
          Files.write(output.resolve(c.getKey().replaceAll("[^A-Za-z0-9_-]+", "-") + ".log"), out);
          assertThat(c.getValue().exitValue()).as(c.getKey() + " exit, see its log").isZero();
          lines.put(c.getKey(), out);
        }
      } finally {
        for (Process p : children.values()) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
    String report = report(lines, jvmOptions, unitEnv, warmUp, window, rate);
    Files.writeString(output.resolve("report.md"), report, StandardCharsets.UTF_8);
    System.out.println(report);
  }

  /** The unit's plain {@code Environment=NAME=value} lines but the agent's configuration file. */
  static Map<String, String> unitEnvironment(Path unit) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("(?m)^Environment=([A-Z_]+)=(\\S+)$")
            .matcher(Files.readString(unit, StandardCharsets.UTF_8));
    while (m.find()) {
      if (!m.group(1).equals("PGHA_CONFIG")) {
        env.put(m.group(1), m.group(2));
      }
    }
    return env;
  }

  private static String report(
      Map<String, List<String>> lines,
      List<String> jvmOptions,
      Map<String, String> env,
      String warmUp,
      String window,
      String rate) {
    StringBuilder b = new StringBuilder("# CPU per etcd call\n\n");
    b.append(
            "One pgha etcd client (3-member etcd, round_robin unless said) making one kind of call ")
        .append(rate)
        .append(" times a second for ")
        .append(window)
        .append(" s per phase, after a warm-up of ")
        .append(warmUp)
        .append(" s; microseconds of CPU per call, the phase without calls (`idle`, per second)")
        .append(
            " taken off. `process` and `process sys` (its kernel share): the whole JVM, `eventloop sys`:"
                + " the kernel's share of the event loop (10 ms ticks, so noisy); the others: Java"
                + " threads (ThreadMXBean).\n\n");
    b.append("JVM options: `").append(String.join(" ", jvmOptions)).append("`; environment: ");
    b.append(env).append(".\n\n");
    b.append(
        "| variant | phase | calls | process | process sys | eventloop | eventloop sys | jetcd-pool"
            + " | main | other |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      Map<String, Map<String, Long>> byPhase = new LinkedHashMap<>();
      Map<String, Integer> calls = new LinkedHashMap<>();
      String header = "";
      for (String l : e.getValue()) {
        if (l.startsWith("PHASES")) {
          header = l.substring("PHASES ".length());
        }
        Matcher m = RESULT.matcher(l);
        if (m.matches()) {
          Map<String, Long> us = new LinkedHashMap<>();
          for (String kv : m.group(3).split(" ")) {
            String[] p = kv.split("=");
            us.put(p[0].replace("_us", ""), Long.parseLong(p[1]));
          }
          byPhase.put(m.group(1), us);
          calls.put(m.group(1), Integer.parseInt(m.group(2)));
        }
      }
      Map<String, Long> idle = byPhase.getOrDefault("idle", Map.of());
      for (Map.Entry<String, Map<String, Long>> p : byPhase.entrySet()) {
        int n = calls.get(p.getKey());
        b.append("| ").append(e.getKey()).append(" (").append(header).append(") | ");
        b.append(p.getKey()).append(" | ").append(n);
        for (String col :
            List.of(
                "process",
                "processsys",
                "eventloop",
                "eventloopsys",
                "jetcdpool",
                "main",
                "other")) {
          long v = p.getValue().getOrDefault(col, 0L);
          b.append(" | ");
          if (n == 0) {
            // The idle phase: CPU per second of the window.
            long seconds = p.getValue().getOrDefault("seconds", 1L);
            b.append(String.format("%.0f/s", v / (double) Math.max(1, seconds)));
          } else {
            b.append(String.format("%.0f", (v - idle.getOrDefault(col, 0L)) / (double) n));
          }
        }
        b.append(" |\n");
      }
    }
    return b.toString();
  }
}
