package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ten DataSources in one JVM, one switchover, directly and through etcd's gRPC proxy: every client
 * sees the new leader, and the report has both rows. (One JVM: the smoke run checks the wiring, and
 * each child JVM costs seconds of a verify run.)
 */
class FleetClientSmokeTest {

  @Test
  void tenClientsSeeOneSwitchoverDirectlyAndThroughTheProxy() throws Exception {
    Path output =
        Path.of(System.getProperty("bench.output", "target/benchmark"))
            .resolveSibling("fleet-clients-smoke");
    FleetClientBenchmark.Options options =
        new FleetClientBenchmark.Options(
            List.of(10),
            1,
            List.of(FleetClientBenchmark.DIRECT, FleetClientBenchmark.PROXY),
            1,
            "rapid",
            // No settling and a short idle window: the smoke run checks that each figure is
            // measured, not its value.
            Duration.ZERO,
            Duration.ofSeconds(1),
            output);

    List<FleetClientResult> results = new FleetClientBenchmark(options).run();

    assertThat(results).extracting(FleetClientResult::via).containsExactly("direct", "grpc-proxy");
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.missed()).isZero();
              assertThat(r.latenciesMs()).hasSize(10);
              assertThat(r.idle().watchers()).isPositive();
            });
    String report = Files.readString(output.resolve("report.md"), StandardCharsets.UTF_8);
    assertThat(report).contains("## Leader change to every client");
    assertThat(report).contains("| direct | 10 | 1 | 1 | 10 | 0 |");
    assertThat(results).allSatisfy(r -> assertThat(r.jvmWatchLatenciesMs()).hasSize(1));
    assertThat(report).contains("| grpc-proxy | 10 | 1 | 1 | 10 | 0 |");
  }
}
