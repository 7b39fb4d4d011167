package io.pgha.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a set of etcd processes (the members, or the gRPC proxy) costs at one moment: CPU time and
 * RSS from /proc, and from their Prometheus metrics the watchers, watch streams and gRPC bytes
 * sent. Two samples make a window: CPU as a share of one core, bytes per second.
 *
 * @param nanos when the sample was taken
 * @param cpuTicks user and system time of the processes, in clock ticks
 * @param rssKb resident memory of the processes, in kB
 * @param watchers {@code etcd_debugging_mvcc_watcher_total} summed over the members
 * @param watchStreams {@code etcd_debugging_mvcc_watch_stream_total} summed over the members
 * @param sentBytes {@code etcd_network_client_grpc_sent_bytes_total} summed over the members
 */
record FleetClientLoad(
    long nanos, long cpuTicks, long rssKb, long watchers, long watchStreams, long sentBytes) {

  /** Linux's USER_HZ, the unit of /proc/PID/stat's times. */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * Samples now.
   *
   * @param pids the processes' ids
   * @param metricsUrls their {@code /metrics} URLs (none for processes without etcd's mvcc)
   */
  static FleetClientLoad sample(List<Long> pids, List<String> metricsUrls) {
    long ticks = 0;
    long rss = 0;
    for (long pid : pids) {
      ticks += cpuTicks(pid);
      rss += rssKb(pid);
    }
    long watchers = 0;
    long streams = 0;
    long sent = 0;
    for (String url : metricsUrls) {
      String text = metrics(url);
      watchers += (long) value(text, "etcd_debugging_mvcc_watcher_total");
      streams += (long) value(text, "etcd_debugging_mvcc_watch_stream_total");
      sent += (long) value(text, "etcd_network_client_grpc_sent_bytes_total");
    }
    return new FleetClientLoad(System.nanoTime(), ticks, rss, watchers, streams, sent);
  }

  /** CPU between {@code earlier} and this sample, in percent of one core. */
  double cpuPercentSince(FleetClientLoad earlier) {
    double seconds = (nanos - earlier.nanos) / 1e9;
    return seconds <= 0
        ? Double.NaN
        : (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND / seconds * 100;
  }

  /** gRPC bytes sent per second between {@code earlier} and this sample. */
  double sentBytesPerSecondSince(FleetClientLoad earlier) {
    double seconds = (nanos - earlier.nanos) / 1e9;
    return seconds <= 0 ? Double.NaN : (sentBytes - earlier.sentBytes) / seconds;
  }

  /** The 1-minute load average of the machine now. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
      return f[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      // The command may hold spaces: fields are counted after its closing parenthesis.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long rssKb(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)
          .stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String metrics(String url) {
    try {
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
      return HTTP.send(get, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The sum of a metric's samples (over its labels) in Prometheus' text format; 0 if absent. */
  static double value(String text, String name) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static String percent(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f%%", value);
  }
}
