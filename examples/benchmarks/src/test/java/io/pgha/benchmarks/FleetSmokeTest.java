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
    FleetBenchmark.Options options =
        new FleetBenchmark.Options(
            List.of(2),
            List.of("sync"),
            RtoPreset.RAPID,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            50,
            output);

    FleetBenchmark benchmark = new FleetBenchmark(options);
    List<FleetResult> results = benchmark.run();

    assertThat(benchmark.failures()).isEmpty();
    assertThat(results).hasSize(1);
    FleetResult r = results.get(0);
    assertThat(r.noLeaseLost()).as("no lease lost: %s", r).isTrue();
    assertThat(r.keepAlive().count()).isPositive();
    assertThat(r.leaderKey().count()).isPositive();
    assertThat(r.memberKey().count()).isPositive();
    assertThat(r.leaseRead().count()).as("the sync standbys read the leader's lease").isPositive();
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
}
