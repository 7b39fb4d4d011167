package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Merges several generators' fleet reports, opt-in: {@code ./mvnw -pl examples/benchmarks -am
 * verify -Pfleet-merge -DskipTests -Dfleet.merge=dirA,dirB,...} (each a copy of a generator's
 * {@code target/fleet}). Report under {@code examples/benchmarks/target/fleet-merged/}.
 */
class FleetMergeRun {

  @Test
  void mergeTheGenerators() {
    String dirs = System.getProperty("fleet.merge", "").trim();
    assertThat(dirs).as("-Dfleet.merge=dirA,dirB,... (the generators' target/fleet)").isNotEmpty();
    List<Path> inputs =
        Arrays.stream(dirs.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList();
    Path out =
        Path.of(System.getProperty("bench.output", "target/benchmark"))
            .resolveSibling("fleet-merged");
    assertThat(FleetMerge.run(inputs, out)).isNotEmpty();
  }
}
