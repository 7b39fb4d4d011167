package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One switchover on the rapid preset against pgha, measured end to end by both clients. */
class BenchmarkSmokeTest {

  @Test
  void aSwitchoverRunIsMeasuredAndReported() throws Exception {
    Path output =
        Path.of(System.getProperty("bench.output", "target/benchmark"))
            .resolveSibling("benchmark-smoke");
    Benchmark.Options options =
        new Benchmark.Options(
            1,
            List.of(Report.PGHA),
            List.of(Scenario.SWITCHOVER),
            List.of("rapid"),
            List.of("async"),
            Map.of(),
            false,
            output,
            null);

    List<RunResult> results = new Benchmark(options).run();

    assertThat(results)
        .extracting(RunResult::client)
        .containsExactly(Probe.PGHA_JDBC, Probe.HIKARI_HAPROXY);
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.writesAcked()).isPositive();
              assertThat(r.writesLost()).isZero();
            });
    List<RunResult> reread =
        Files.readAllLines(output.resolve("results.tsv"), StandardCharsets.UTF_8).stream()
            .skip(1)
            .map(RunResult::fromTsv)
            .toList();
    assertThat(reread).isEqualTo(results);
    String report = Files.readString(output.resolve("report.md"), StandardCharsets.UTF_8);
    assertThat(report).contains("## Planned switchover: pgha-jdbc vs HikariCP + HAProxy");
    assertThat(report).contains("| rapid | async | pgha | pgha-jdbc | 1 |");
    assertThat(Files.readString(output.resolve("chart.svg"), StandardCharsets.UTF_8))
        .startsWith("<svg");
  }
}
