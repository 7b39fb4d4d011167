package io.pgha.benchmarks;

import io.pgha.testkit.PostgresInstall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine and the versions of what the benchmark runs, for the report's first table. */
final class MachineInfo {
  private MachineInfo() {}

  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
    m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    String postgres;
    try {
      postgres = PostgresInstall.locate().binary("postgres").toString();
    } catch (RuntimeException e) {
      postgres = "postgres";
    }
    m.put("PostgreSQL", version(List.of(postgres, "--version")));
    m.put("etcd", version(List.of("etcd", "--version")));
    m.put("Patroni", version(List.of("/usr/bin/patroni", "--version")));
    m.put("HAProxy", version(List.of("haproxy", "-v")));
    return m;
  }

  private static String firstValue(Path file, String key) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith(key))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The first line a command prints, or why it could not run. */
  static String version(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unknown (" + command.get(0) + " did not answer)";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return out.lines().findFirst().orElse("unknown").trim();
    } catch (IOException e) {
      return "not installed (" + command.get(0) + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
