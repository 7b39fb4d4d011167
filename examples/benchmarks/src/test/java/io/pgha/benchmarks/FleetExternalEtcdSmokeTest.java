package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.pgha.testkit.LocalEtcd;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A generator against an etcd it did not start (here one pgha-testkit starts, as an external etcd
 * would be): its clusters at an offset under a scope prefix, two members per etcd client, etcd's
 * figures read from each member's /metrics, its keys gone afterwards and etcd left running.
 */
class FleetExternalEtcdSmokeTest {

  @Test
  void aGeneratorMeasuresAnExternalEtcdThroughItsMetrics() throws Exception {
    Path output =
        Path.of(System.getProperty("bench.output", "target/benchmark"))
            .resolveSibling("fleet-external-smoke");
    try (LocalEtcd etcd = LocalEtcd.start(1)) {
      List<URI> endpoints = etcd.clientEndpoints().stream().map(URI::create).toList();
      FleetResult r =
          FleetSmokeTest.runTwoSyncClusters(
              output,
              FleetGenerator.ALONE
                  .withExternalEtcd(endpoints)
                  .withClusters("smoke", 7)
                  .withMembersPerClient(2));

      assertThat(r.leasesExpired()).isZero();
      assertThat(r.generator().etcdThroughMetrics()).isTrue();
      assertThat(r.generator().scopes()).isEqualTo("smoke0007 to smoke0008");
      assertThat(r.generator().fleetClusters()).isEqualTo(2);
      assertThat(r.generator().fleetMembers()).isEqualTo(6);
      assertThat(r.generator().membersPerClient()).isEqualTo(2);
      assertThat(r.etcdCores()).as("process_cpu_seconds_total").isPositive();
      assertThat(r.etcdLeaderCores()).isPositive();
      assertThat(r.etcdRssMb()).as("process_resident_memory_bytes").isPositive();
      assertThat(r.dbSizeMb()).isPositive();
      assertThat(r.putsPerSecond()).isPositive();
      String report = Files.readString(output.resolve("report.md"), StandardCharsets.UTF_8);
      assertThat(report)
          .contains(
              "| etcd CPU | `process_cpu_seconds_total` of each member's `/metrics` |",
              "| etcd RSS | `process_resident_memory_bytes` of each member's `/metrics` |",
              "| `/metrics` | " + endpoints.get(0) + "/metrics, read over HTTP within 10 s",
              "| 2 | 6 | sync | 2 |",
              "| 2 | sync | smoke0007 to smoke0008 |")
          .doesNotContain("/proc/<pid>");
      try (Client client = Client.builder().endpoints(etcd.clientEndpoints().get(0)).build()) {
        long left =
            client
                .getKVClient()
                .get(
                    ByteSequence.from("/service/smoke", StandardCharsets.UTF_8),
                    GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .get(10, TimeUnit.SECONDS)
                .getCount();
        assertThat(left).as("the generator's keys, removed after the cell").isZero();
      }
    }
  }
}
