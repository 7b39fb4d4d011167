package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fleet benchmark, opt-in: {@code ./mvnw -pl examples/benchmarks -am verify -Pfleet -DskipTests
 * [-Dfleet.clusters=10,100,300,1000] [-Dfleet.modes=async,sync] [-Dfleet.preset=norm]
 * [-Dfleet.windowSeconds=60] [-Dfleet.warmupSeconds=30] [-Dfleet.etcd.endpoints=http://h1:2379,...]
 * [-Dfleet.cluster.offset=0] [-Dfleet.scope.prefix=fleet] [-Dfleet.window.at=instant]
 * [-Dfleet.membersPerClient=1]} (see {@link FleetGenerator}). Report under {@code
 * examples/benchmarks/target/fleet/}.
 */
class FleetRun {

  @Test
  void runTheFleet() {
    assertThat(new FleetBenchmark(FleetBenchmark.Options.fromSystemProperties()).run())
        .isNotEmpty();
  }
}
