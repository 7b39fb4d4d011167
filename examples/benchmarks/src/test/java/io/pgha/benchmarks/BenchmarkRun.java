package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The full matrix, opt-in: {@code ./mvnw -pl examples/benchmarks -am verify -Pbenchmark -DskipTests
 * [-Dbench.runs=3] [-Dbench.patroni=true] [-Dbench.scenarios=...] [-Dbench.presets=fast,norm]
 * [-Dbench.modes=async,sync]}. Report under {@code examples/benchmarks/target/benchmark/}.
 */
class BenchmarkRun {

  @Test
  void runTheMatrix() {
    Benchmark.Options options = Benchmark.Options.fromSystemProperties();
    assertThat(new Benchmark(options).run()).isNotEmpty();
  }
}
