package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.RtoPreset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two clusters in synchronous mode for a few seconds: every figure of the report is measured. */
class FleetSmokeTest {

  @Test
  void aSmallFleetIsMeasuredAndReported() throws Exception {
    Path output =
        Path.of(System.getProperty("bench.output", "target/benchmark"))
            .resolveSibling("fleet-smoke");

    FleetResult r = runTwoSyncClusters(output, FleetGenerator.ALONE);

    assertThat(r.keepAlive().count()).isPositive();
    assertThat(r.leaderKey().count()).isPositive();
    assertThat(r.memberKey().count()).isPositive();
    assertThat(r.putsPerSecond()).isPositive();
    assertThat(r.keepAlivesPerSecond()).isPositive();
    assertThat(r.leaseReadsPerSecond()).isPositive();
    assertThat(r.etcdCores()).isPositive();
    assertThat(r.dbSizeMb()).isPositive();
    String report = Files.readString(output.resolve("report.md"), StandardCharsets.UTF_8);
    assertThat(report).contains("# Fleet benchmark: the control plane", "| 2 | 6 | sync |");
    assertThat(Files.readAllLines(output.resolve("results.tsv"), StandardCharsets.UTF_8))
        .hasSize(2);
  }

  /**
   * Two clusters in synchronous mode at the rapid preset, 1 s of warm-up and a 3 s window (a
   * keep-alive, a leader-key and member-key write and a lease read each in it, at loop_wait 1 s and
   * ttl 5 s), by {@code generator}: the one cell, measured, with no lease or leadership lost and
   * the sync standbys' lease reads timed.
   */
  static FleetResult runTwoSyncClusters(Path output, FleetGenerator generator) {
    FleetBenchmark.Options options =
        new FleetBenchmark.Options(
            List.of(2),
            List.of("sync"),
            RtoPreset.RAPID,
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            50,
            output,
            generator);

    FleetBenchmark benchmark = new FleetBenchmark(options);
    List<FleetResult> results = benchmark.run();

    assertThat(benchmark.failures()).isEmpty();
    assertThat(results).hasSize(1);
    FleetResult r = results.get(0);
    assertThat(r.noLeaseLost()).as("no lease lost: %s", r).isTrue();
    assertThat(r.leaseRead().count()).as("the sync standbys read the leader's lease").isPositive();
    return r;
  }
}
