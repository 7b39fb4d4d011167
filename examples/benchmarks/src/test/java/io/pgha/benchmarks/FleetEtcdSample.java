package io.pgha.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One etcd member at one instant: its CPU time and RSS (from {@code /proc/<pid>} for a member on
 * this machine, from its Prometheus endpoint for one elsewhere), and the counters of its Prometheus
 * endpoint ({@code /metrics}) the fleet benchmark reports.
 *
 * @param cpuSeconds user + system CPU time of the process so far
 * @param rssBytes resident set size now
 * @param metrics every sample of the endpoint, summed over its labels, by metric name
 * @param started {@code grpc_server_started_total} by gRPC method (calls and streams opened)
 */
record FleetEtcdSample(
    long atNanos,
    double cpuSeconds,
    long rssBytes,
    Map<String, Double> metrics,
    Map<String, Double> started) {

  static final String PUTS = "etcd_mvcc_put_total";
  static final String PROPOSALS = "etcd_server_proposals_committed_total";
  static final String DB_SIZE = "etcd_mvcc_db_total_size_in_bytes";
  static final String LEASES_EXPIRED = "etcd_debugging_server_lease_expired_total";
  static final String IS_LEADER = "etcd_server_is_leader";
  static final String LEADER_CHANGES = "etcd_server_leader_changes_seen_total";
  static final String SLOW_APPLIES = "etcd_server_slow_apply_total";
  static final String HEARTBEAT_FAILURES = "etcd_server_heartbeat_send_failures_total";
  static final String PROCESS_CPU = "process_cpu_seconds_total";
  static final String PROCESS_RSS = "process_resident_memory_bytes";

  /** Linux's USER_HZ: {@code /proc/<pid>/stat} counts CPU time in 1/100 s on every platform. */
  private static final double TICKS_PER_SECOND = 100;

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");
  private static final Pattern METHOD = Pattern.compile("grpc_method=\"([^\"]+)\"");

  /**
   * Reads the etcd member {@code pid} serving {@code clientEndpoint} on this machine now: CPU time
   * and RSS from {@code /proc}, the rest from its {@code /metrics}.
   */
  static FleetEtcdSample take(long pid, String clientEndpoint) {
    String text = metricsText(clientEndpoint);
    // The counters are as of the answer: the instant and the CPU time are taken right after it.
    long at = System.nanoTime();
    double cpu = cpuSeconds(pid);
    Map<String, Double> metrics = new TreeMap<>();
    Map<String, Double> started = new TreeMap<>();
    parse(text, metrics, started);
    return new FleetEtcdSample(at, cpu, rssBytes(pid), metrics, started);
  }

  /**
   * Reads an etcd member that runs elsewhere, from its Prometheus endpoint alone: CPU time from
   * {@value #PROCESS_CPU}, RSS from {@value #PROCESS_RSS} (Go's process collector, which reads the
   * same /proc files on the member's host).
   *
   * @throws IllegalStateException if the endpoint does not answer in time, answers too much, or has
   *     no process figures (not an etcd metrics endpoint, or not on Linux)
   */
  static FleetEtcdSample fromMetrics(URI metricsUrl) {
    String text = MetricsScrape.read(metricsUrl);
    long at = System.nanoTime();
    return ofMetricsText(at, metricsUrl, text);
  }

  static FleetEtcdSample ofMetricsText(long at, URI metricsUrl, String text) {
    Map<String, Double> metrics = new TreeMap<>();
    Map<String, Double> started = new TreeMap<>();
    parse(text, metrics, started);
    for (String needed : new String[] {PROCESS_CPU, PROCESS_RSS, PUTS, DB_SIZE}) {
      if (!metrics.containsKey(needed)) {
        throw new IllegalStateException(
            metricsUrl + " has no " + needed + ": is it an etcd member's metrics endpoint?");
      }
    }
    return new FleetEtcdSample(
        at, metrics.get(PROCESS_CPU), Math.round(metrics.get(PROCESS_RSS)), metrics, started);
  }

  /** The text of the member's Prometheus endpoint at {@code clientEndpoint}. */
  static String metricsText(String clientEndpoint) {
    return MetricsScrape.read(URI.create(clientEndpoint + "/metrics"));
  }

  /** Sums every sample of {@code text} by name, and {@code grpc_server_started_total} by method. */
  static void parse(String text, Map<String, Double> metrics, Map<String, Double> started) {
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.find()) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(m.group(3));
      } catch (NumberFormatException e) {
        continue;
      }
      metrics.merge(m.group(1), value, Double::sum);
      if (m.group(1).equals("grpc_server_started_total") && m.group(2) != null) {
        Matcher method = METHOD.matcher(m.group(2));
        if (method.find()) {
          started.merge(method.group(1), value, Double::sum);
        }
      }
    }
  }

  /** utime + stime of {@code /proc/<pid>/stat} (fields 14 and 15), in seconds. */
  static double cpuSeconds(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may contain spaces: count the fields after its closing ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /** VmRSS of {@code /proc/<pid>/status}, in bytes. */
  static long rssBytes(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }

  double metric(String name) {
    return metrics.getOrDefault(name, 0.0);
  }

  /** The seconds from {@code before} to this sample. */
  double secondsSince(FleetEtcdSample before) {
    return (atNanos - before.atNanos) / 1e9;
  }

  /** How much {@code name} grew from {@code before} to this sample. */
  double delta(FleetEtcdSample before, String name) {
    return metric(name) - before.metric(name);
  }
}
