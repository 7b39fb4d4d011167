package io.pgha.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * One cell of the fleet-clients benchmark: {@code clients} DataSources reaching etcd directly or
 * through the gRPC proxy, over some switchovers.
 *
 * @param via {@link FleetClientBenchmark#DIRECT} or {@link FleetClientBenchmark#PROXY}
 * @param clients DataSources (topology watchers)
 * @param jvms application JVMs they are spread over
 * @param switchovers switchovers measured
 * @param latenciesMs per client and switchover: leader-key write to the DataSource's leader change
 * @param warmLatenciesMs the same from the second switchover on (each JVM has handled a leader
 *     change before: no class loading or first compilation on the path)
 * @param jvmWatchLatenciesMs per client JVM and switchover: leader-key write to the JVM's own raw
 *     watch hearing it
 * @param missed clients that did not see a new leader within the bound, summed over switchovers
 * @param startSeconds time for every JVM to start every DataSource
 * @param idle etcd's cost with the clients watching and nothing changing
 * @param switchover etcd's cost from each switchover's request until every client saw it
 * @param loadAverage the machine's 1-minute load average during the cell
 */
record FleetClientResult(
    String via,
    int clients,
    int jvms,
    int switchovers,
    List<Double> latenciesMs,
    List<Double> warmLatenciesMs,
    List<Double> jvmWatchLatenciesMs,
    int missed,
    double startSeconds,
    Window idle,
    Window switchover,
    String loadAverage) {

  /**
   * A measured window.
   *
   * @param seconds its length
   * @param etcdCpuPercent CPU of the three etcd members together, in percent of one core
   * @param proxyCpuPercent CPU of the gRPC proxy (NaN without it)
   * @param clientCpuPercent CPU of the client JVMs together
   * @param etcdRssMb RSS of the three members together at the end
   * @param watchers watchers on the members at the end
   * @param watchStreams watch streams on the members at the end
   * @param sentKbPerSecond gRPC bytes the members sent, per second
   */
  record Window(
      double seconds,
      double etcdCpuPercent,
      double proxyCpuPercent,
      double clientCpuPercent,
      double etcdRssMb,
      long watchers,
      long watchStreams,
      double sentKbPerSecond) {}

  /** The nearest-rank percentile {@code p} (0-100) of the latencies; NaN when there are none. */
  double percentile(double p) {
    return percentile(latenciesMs, p);
  }

  /** The nearest-rank percentile {@code p} (0-100) of {@code values}; NaN when empty. */
  static double percentile(List<Double> values, double p) {
    List<Double> s = values.stream().sorted().toList();
    if (s.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * s.size());
    return s.get(Math.min(s.size() - 1, Math.max(0, rank - 1)));
  }

  double max() {
    return Stats.max(latenciesMs);
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }
}
