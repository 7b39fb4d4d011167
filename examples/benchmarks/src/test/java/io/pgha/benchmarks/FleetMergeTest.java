package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.benchmarks.FleetLatencies.Summary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several generators' reports of one window, merged into the fleet's. */
class FleetMergeTest {
  private static final Instant AT = Instant.parse("2026-12-06T12:00:00Z");

  static FleetResult generator(
      int clusters, String scopes, Instant at, double etcdCores, double p99, long lost) {
    return new FleetResult(
        clusters,
        "async",
        "norm",
        60,
        3.5,
        0.4,
        0.8,
        etcdCores,
        1.25,
        800,
        120,
        600,
        600,
        4900,
        4600,
        400,
        0,
        new Summary(1000, 0.6, 2.5, 40),
        new Summary(200, 2, p99, 90),
        new Summary(3000, 2.5, 30, 80),
        Summary.NONE,
        3300,
        0,
        lost,
        0,
        0,
        5,
        0,
        0,
        new FleetResult.Generator(scopes, at, true, 3, 1, 2000, 1000, 3000));
  }

  @Test
  void aRowReadsBackAsItWasWritten() {
    FleetResult r = generator(500, "fleet0000 to fleet0499", AT, 3.5, 25, 0);
    String[] header = FleetResult.tsvHeader().split("\t");
    String[] cells = r.toTsv().split("\t");
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      row.put(header[i], cells[i]);
    }

    assertThat(FleetResult.fromTsv(row)).isEqualTo(r);
  }

  @Test
  void generatorsOfOneWindowAddUpAndShareEtcdsFigures(@TempDir Path dir) throws Exception {
    write(dir.resolve("a"), generator(500, "fleet0000 to fleet0499", AT, 3.4, 25, 0));
    write(
        dir.resolve("b"),
        generator(500, "fleet0500 to fleet0999", AT.plusMillis(800), 3.6, 40, 1),
        // the same generator's next window, an hour later: another row of the merge
        generator(500, "fleet0500 to fleet0999", AT.plusSeconds(3600), 3.0, 20, 0));

    List<FleetResult> merged =
        FleetMerge.run(List.of(dir.resolve("a"), dir.resolve("b")), dir.resolve("out"));

    assertThat(merged).hasSize(2);
    FleetResult m = merged.get(0);
    assertThat(m.clusters()).isEqualTo(1000);
    assertThat(m.etcdCores()).as("the same etcd read twice: the mean").isEqualTo(3.5);
    assertThat(m.generatorCores()).as("two generators' CPU").isEqualTo(1.6);
    assertThat(m.generator().threads()).isEqualTo(4000);
    assertThat(m.leaderKey()).isEqualTo(new Summary(400, 2, 40, 90));
    assertThat(m.leasesLost()).isEqualTo(1);
    assertThat(m.callErrors()).isEqualTo(10);
    assertThat(m.noLeaseLost()).isFalse();
    assertThat(m.generator().scopes()).isEqualTo("fleet0000 to fleet0499, fleet0500 to fleet0999");
    assertThat(merged.get(1).clusters()).isEqualTo(500);
    String report = Files.readString(dir.resolve("out/report.md"), StandardCharsets.UTF_8);
    assertThat(report)
        .contains("| async | " + AT + " | 2 | 1000 | - |")
        .contains("etcd held 1000 clusters, the generators merged ran 500")
        .contains("| 1000 | 3000 | async | 1000 |");
  }

  private static void write(Path dir, FleetResult... rows) throws Exception {
    Files.createDirectories(dir);
    StringBuilder b = new StringBuilder(FleetResult.tsvHeader()).append('\n');
    for (FleetResult r : rows) {
      b.append(r.toTsv()).append('\n');
    }
    Files.writeString(dir.resolve("results.tsv"), b, StandardCharsets.UTF_8);
  }
}
