package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The fleet-clients benchmark's order statistics and its reading of etcd's metrics. */
class FleetClientResultTest {

  @Test
  void percentilesAreNearestRank() {
    List<Double> oneToHundred = IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList();
    assertThat(FleetClientResult.percentile(oneToHundred, 50)).isEqualTo(50.0);
    assertThat(FleetClientResult.percentile(oneToHundred, 99)).isEqualTo(99.0);
    assertThat(FleetClientResult.percentile(List.of(7.0, 1.0, 3.0), 99)).isEqualTo(7.0);
    assertThat(FleetClientResult.percentile(List.of(), 99)).isNaN();
  }

  @Test
  void aMetricIsSummedOverItsLabelsAndOtherMetricsAreIgnored() {
    String text =
        """
        # HELP etcd_debugging_mvcc_watcher_total Total number of watchers.
        # TYPE etcd_debugging_mvcc_watcher_total gauge
        etcd_debugging_mvcc_watcher_total 1004
        etcd_debugging_mvcc_watcher_total_other 7
        etcd_network_client_grpc_sent_bytes_total{type="unary"} 1.5e+06
        etcd_network_client_grpc_sent_bytes_total{type="stream"} 500000
        """;
    assertThat(FleetClientLoad.value(text, "etcd_debugging_mvcc_watcher_total")).isEqualTo(1004);
    assertThat(FleetClientLoad.value(text, "etcd_network_client_grpc_sent_bytes_total"))
        .isEqualTo(2_000_000);
    assertThat(FleetClientLoad.value(text, "etcd_debugging_mvcc_watch_stream_total")).isZero();
  }
}
