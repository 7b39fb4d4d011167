package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The fleet benchmark's arithmetic: percentiles, etcd's metrics text, /proc of a process. */
class FleetFiguresTest {

  @Test
  void percentilesAreNearestRankAndOnlyWithinTheWindow() {
    FleetLatencies l = new FleetLatencies();
    l.add(999_000_000L); // before the window: dropped
    l.start();
    for (int i = 1; i <= 100; i++) {
      l.add(i * 1_000_000L);
    }
    l.stop();
    l.add(5_000_000_000L); // after the window: dropped

    FleetLatencies.Summary s = l.summary();

    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50Ms()).isEqualTo(50.0);
    assertThat(s.p99Ms()).isEqualTo(99.0);
    assertThat(s.maxMs()).isEqualTo(100.0);
    assertThat(new FleetLatencies().summary().count()).isZero();
  }

  @Test
  void metricsAreSummedOverLabelsAndCallsCountedByMethod() {
    String text =
        """
        # HELP etcd_mvcc_put_total Total number of puts seen by this member.
        # TYPE etcd_mvcc_put_total counter
        etcd_mvcc_put_total 1234
        etcd_server_is_leader 1
        etcd_mvcc_db_total_size_in_bytes 2.097152e+06
        grpc_server_started_total{grpc_method="LeaseKeepAlive",grpc_service="etcdserverpb.Lease",grpc_type="bidi_stream"} 40
        grpc_server_started_total{grpc_method="Range",grpc_service="etcdserverpb.KV",grpc_type="unary"} 7
        grpc_server_started_total{grpc_method="Range",grpc_service="other",grpc_type="unary"} 3
        not a sample
        """;
    Map<String, Double> metrics = new TreeMap<>();
    Map<String, Double> started = new TreeMap<>();

    FleetEtcdSample.parse(text, metrics, started);

    assertThat(metrics)
        .containsEntry(FleetEtcdSample.PUTS, 1234.0)
        .containsEntry(FleetEtcdSample.IS_LEADER, 1.0)
        .containsEntry(FleetEtcdSample.DB_SIZE, 2097152.0)
        .containsEntry("grpc_server_started_total", 50.0);
    assertThat(started).containsEntry("LeaseKeepAlive", 40.0).containsEntry("Range", 10.0);
  }

  @Test
  void cpuAndRssOfARunningProcessAreRead() {
    long self = ProcessHandle.current().pid();

    assertThat(FleetEtcdSample.cpuSeconds(self)).isPositive();
    assertThat(FleetEtcdSample.rssBytes(self)).isGreaterThan(1024 * 1024);
    long[] machine = FleetBenchmark.machineTicks();
    assertThat(machine[1]).isGreaterThanOrEqualTo(machine[0]).isPositive();
  }
}
