package io.pgha.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What etcd's members have served so far, from their Prometheus endpoints, summed over the members
 * by gRPC method: calls and streams opened ({@code grpc_server_started_total}, a unary call or a
 * stream each) and messages received ({@code grpc_server_msg_received_total}, one per request on a
 * stream too).
 */
final class EtcdCallCounts {
  private static final Pattern LINE =
      Pattern.compile(
          "^(grpc_server_started_total|grpc_server_msg_received_total)\\{[^}]*grpc_method=\"([^\"]+)\"[^}]*\\}\\s+(\\S+)");

  private EtcdCallCounts() {}

  /** Counts by {@code started <Method>} and {@code received <Method>}; empty if unreadable. */
  static Map<String, Double> take(List<String> endpoints) {
    Map<String, Double> counts = new TreeMap<>();
    for (String endpoint : endpoints) {
      String text;
      try {
        text = FleetEtcdSample.metricsText(endpoint);
      } catch (RuntimeException e) {
        continue; // a member that does not answer counts nothing
      }
      for (String line : text.split("\n")) {
        Matcher m = LINE.matcher(line);
        if (m.find()) {
          String kind = m.group(1).contains("started") ? "started " : "received ";
          counts.merge(kind + m.group(2), Double.parseDouble(m.group(3)), Double::sum);
        }
      }
    }
    return counts;
  }
}
