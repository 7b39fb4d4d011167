package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fleet-clients benchmark, opt-in: {@code ./mvnw -pl examples/benchmarks -am verify
 * -Pfleet-clients -DskipTests [-Dbench.fleet.clients=100,1000,3000] [-Dbench.fleet.jvms=4]
 * [-Dbench.fleet.via=direct,grpc-proxy] [-Dbench.fleet.switchovers=3]}. Report under {@code
 * examples/benchmarks/target/fleet-clients/}.
 */
class FleetClientRun {

  @Test
  void runTheCells() {
    FleetClientBenchmark.Options options = FleetClientBenchmark.Options.fromSystemProperties();
    assertThat(new FleetClientBenchmark(options).run()).isNotEmpty();
  }
}
