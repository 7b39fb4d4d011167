package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static RunResult run(String system, String client, int run, long writeMs, long errors) {
    return new RunResult(
        system,
        "fast",
        "sync",
        "switchover",
        run,
        client,
        writeMs,
        40,
        500,
        0,
        errors,
        0,
        30.0,
        errors == 0
            ? Map.of()
            : Map.of("25006 cannot execute INSERT in a read-only transaction", (int) errors),
        -1,
        -1);
  }

  private final List<RunResult> results =
      List.of(
          run(Report.PGHA, Probe.PGHA_JDBC, 1, 400, 0),
          run(Report.PGHA, Probe.PGHA_JDBC, 2, 600, 0),
          run(Report.PGHA, Probe.HIKARI_HAPROXY, 1, 5000, 12),
          run(Report.PATRONI, Probe.PGHA_JDBC, 1, 2000, 3),
          run(Report.PATRONI, Probe.HIKARI_HAPROXY, 1, 6000, 20));

  private final Report report =
      new Report(results, Map.of("CPU", "test cpu"), "- a method", Optional.empty());

  @Test
  void theTablesShowMediansMaximaErrorsAndTheRatio() {
    String md = report.render();
    assertThat(md).contains("| CPU | test cpu |");
    assertThat(md).contains("### planned switchover (switchover)");
    assertThat(md)
        .contains(
            "| fast | sync | pgha | pgha-jdbc | 2 | 0.50 s | 0.60 s | 0.04 s | 0.04 s | 1000 | 0 | 0/0 | 0.25 |");
    assertThat(md)
        .contains(
            "| fast | sync | pgha | hikari+haproxy | 1 | 5.00 s | 5.00 s | 0.04 s | 0.04 s | 500 | 0 | 12/0 |"
                + " 0.83 |");
    assertThat(md).contains("| fast | sync | patroni | hikari+haproxy | 1 | 6.00 s | 6.00 s |");
    assertThat(md).contains("## Planned switchover: pgha-jdbc vs HikariCP + HAProxy");
    assertThat(md)
        .contains("| fast | sync | pgha | hikari+haproxy | 1 | 5.00 s | 5.00 s | 12 | 12 |");
    assertThat(md).contains("| patroni / hikari+haproxy | 20 | 25006 cannot execute INSERT");
    assertThat(md).contains("No JMH result found");
  }

  private static RunResult hung(String scenario, long writeMs, long readMs, long afterKeyMs) {
    return hung(scenario, writeMs, readMs, afterKeyMs, -1);
  }

  private static RunResult hung(
      String scenario, long writeMs, long readMs, long afterKeyMs, long fastTakeoverMs) {
    return new RunResult(
        Report.PGHA,
        "fast",
        "async",
        scenario,
        1,
        Probe.PGHA_JDBC,
        writeMs,
        readMs,
        500,
        0,
        1,
        0,
        30.0,
        Map.of(),
        afterKeyMs,
        fastTakeoverMs);
  }

  @Test
  void aRowSaysHowManyRunsTookTheFastTakeover() {
    String md =
        new Report(
                List.of(
                    hung("host", 2_400, 30, 200, 2_100),
                    hung("host", 19_000, 30, 300, -1),
                    hung("host", 2_600, 30, 250, 2_300)),
                Map.of(),
                "- a method",
                Optional.empty())
            .render();
    assertThat(md)
        .contains(
            "| fast | async | pgha (fast takeover 2/3, silence p50 2.20 s) | pgha-jdbc | 3 | 2.60 s |");
    assertThat(report.render()).doesNotContain("fast takeover");
    RunResult fast = hung("freeze", 2_400, 30, 200, 2_100);
    assertThat(RunResult.fromTsv(fast.toTsv())).isEqualTo(fast);
  }

  @Test
  void theHungHostSectionComparesFreezeWithKill() {
    String md =
        new Report(
                List.of(
                    hung("host", 19_000, 30, 400),
                    hung("freeze", 17_500, 30, 650),
                    hung("replica", 30, 60, -1),
                    hung("freezereplica", 30, 2_900, -1)),
                Map.of(),
                "- a method",
                Optional.empty())
            .render();
    assertThat(md).contains("## Hung host vs kill -9");
    assertThat(md)
        .contains(
            "| fast | async | pgha | pgha-jdbc | 19.00 s / 17.50 s | 0.40 s / 0.65 s | 0.25 s |");
    assertThat(md)
        .contains("| fast | async | pgha | pgha-jdbc | 0.06 s / 0.06 s | 2.90 s / 2.90 s |");
    assertThat(report.render()).doesNotContain("## Hung host vs kill -9");
  }

  @Test
  void theChartHasOneBarPerSystemAndClient() {
    String svg = SvgChart.render(report);
    assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
    assertThat(svg.split("<rect ", -1)).hasSize(1 + 1 + 4); // background + 4 bars
    assertThat(svg).contains("switchover fast sync - pgha / pgha-jdbc").contains("0.50 s");
    assertThat(SvgChart.niceCeiling(6000)).isEqualTo(10000);
    assertThat(SvgChart.niceCeiling(1500)).isEqualTo(2000);
    assertThat(SvgChart.escape("a<b & \"c\"")).isEqualTo("a&lt;b &amp; &quot;c&quot;");
  }

  @Test
  void resultsSurviveTheTsvRoundTrip() {
    for (RunResult r : results) {
      assertThat(RunResult.fromTsv(r.toTsv())).isEqualTo(r);
    }
  }

  @Test
  void theJmhSectionIsReadFromJmhJson() {
    String json =
        "[{\"benchmark\":\"io.pgha.jdbc.bench.DataSourceOverheadBenchmark.topologyAware\","
            + "\"mode\":\"avgt\",\"params\":{\"pool\":\"4\"},"
            + "\"primaryMetric\":{\"score\":12.5,\"scoreError\":0.25,\"scoreUnit\":\"us/op\"}}]";
    String md = JmhSection.render(json, Path.of("jmh-result.json"));
    assertThat(md)
        .contains(
            "| DataSourceOverheadBenchmark.topologyAware | pool=4 | avgt | 12.500 | 0.250 | us/op |");
    assertThat(JmhSection.read(Path.of("does-not-exist.json"))).isEmpty();
  }

  @Test
  void postgresqlParametersAreNameValuePairs() {
    assertThat(ServerParameters.parse("wal_retrieve_retry_interval=200ms, a_b=on"))
        .containsEntry("wal_retrieve_retry_interval", "200ms")
        .containsEntry("a_b", "on");
    assertThat(ServerParameters.parse("")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerParameters.parse("x='1'; drop"))
        .hasMessageContaining("bench.pgParameters (x='1'; drop) must be name=value");
  }

  @Test
  void unknownOptionsNameTheAllowedValues() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.parse("host,meteor"))
        .hasMessageContaining("meteor")
        .hasMessageContaining("host,pgcrash,switchover,replica,etcdcut");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Benchmark.timings("slow"))
        .hasMessageContaining("slow")
        .hasMessageContaining("rapid,fast,norm,safe,wide");
  }
}
