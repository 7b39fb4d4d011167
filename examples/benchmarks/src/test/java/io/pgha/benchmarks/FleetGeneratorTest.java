package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.RtoPreset;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A generator's options: its etcd, its range of clusters, its window. */
class FleetGeneratorTest {
  private static final List<String> PROPERTIES =
      List.of(
          "fleet.etcd.endpoints",
          "fleet.etcd.metrics",
          "fleet.cluster.offset",
          "fleet.scope.prefix",
          "fleet.window.at",
          "fleet.membersPerClient");

  @AfterEach
  void clear() {
    PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void aloneItStartsItsOwnEtcdAndNumbersFromZero() {
    PROPERTIES.forEach(p -> System.setProperty(p, "")); // as the pom passes unset options

    FleetGenerator g = FleetGenerator.fromSystemProperties();

    assertThat(g).isEqualTo(FleetGenerator.ALONE);
    assertThat(g.externalEtcd()).isFalse();
    assertThat(g.scope(0)).isEqualTo("fleet0000");
    assertThat(g.range(10)).isEqualTo("fleet0000 to fleet0009");
  }

  @Test
  void anExternalEtcdIsReadThroughEachEndpointsMetricsUnlessOtherURLsAreGiven() {
    System.setProperty("fleet.etcd.endpoints", "http://h1:2379, http://h2:2379,http://h3:2379");
    System.setProperty("fleet.cluster.offset", "300");
    System.setProperty("fleet.scope.prefix", "run7-");

    FleetGenerator g = FleetGenerator.fromSystemProperties();

    assertThat(g.externalEtcd()).isTrue();
    assertThat(g.metricsUrls())
        .containsExactly(
            URI.create("http://h1:2379/metrics"),
            URI.create("http://h2:2379/metrics"),
            URI.create("http://h3:2379/metrics"));
    assertThat(g.range(300)).isEqualTo("run7-0300 to run7-0599");

    System.setProperty("fleet.etcd.metrics", "http://h1:2381,https://h2:2381/metrics");
    assertThat(FleetGenerator.fromSystemProperties().metricsUrls())
        .containsExactly(
            URI.create("http://h1:2381/metrics"), URI.create("https://h2:2381/metrics"));
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    Map<String, String> bad =
        Map.of(
            "fleet.etcd.endpoints", "https://h1:2379",
            "fleet.cluster.offset", "-1",
            "fleet.scope.prefix", "a/b",
            "fleet.window.at", "noon",
            "fleet.membersPerClient", "0");
    bad.forEach(
        (name, value) -> {
          clear();
          System.setProperty(name, value);
          assertThatThrownBy(FleetGenerator::fromSystemProperties)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageStartingWith(name + " (" + value + ")");
        });
    clear();
    System.setProperty("fleet.etcd.metrics", "http://h1:2381");
    assertThatThrownBy(FleetGenerator::fromSystemProperties)
        .hasMessageContaining("needs fleet.etcd.endpoints");
  }

  @Test
  void oneWindowInstantIsForOneCell() {
    FleetGenerator at =
        new FleetGenerator(
            List.of(),
            List.of(),
            0,
            "fleet",
            Optional.of(Instant.parse("2026-12-06T12:00:00Z")),
            1);

    assertThatThrownBy(
            () ->
                new FleetBenchmark.Options(
                    List.of(10, 100),
                    List.of("async"),
                    RtoPreset.NORM,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    10,
                    Path.of("x"),
                    at))
        .hasMessageContaining("fleet.window.at (2026-12-06T12:00:00Z) opens one window");
  }
}
