package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.core.cluster.ClusterView;
import io.pgha.core.cluster.Member;
import io.pgha.testkit.LocalEtcd;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Patroni samples, parsed by pgha and written back through pgha into a real etcd, read by the
 * real {@code patronictl}.
 */
class PatronictlRoundTripTest {
  private static final Path PATRONICTL = Path.of("/usr/bin/patronictl");
  private static LocalEtcd etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = LocalEtcd.start(1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void patronictlListsTheMembersAndLeaderPghaWrote(@TempDir Path dir) throws Exception {
    assumeTrue(
        Files.isExecutable(PATRONICTL), "patronictl is not installed (apt-get install patroni)");
    PatroniSamples.Sample sample = PatroniSamples.load("sync");
    ClusterView parsed =
        new ViewAssembler(PatroniSamples.KEYS, new BadValueLog("test"))
            .assemble(sample.kvs(), sample.revision());
    String leader = parsed.leader().orElseThrow().name();

    List<EtcdDcs> members = new ArrayList<>();
    try {
      EtcdDcs leaderDcs = null;
      for (Member m : parsed.members().values()) {
        EtcdDcs dcs =
            EtcdDcs.connect(
                EtcdDcsConfig.builder()
                    .endpoints(etcd.clientEndpoints())
                    .namespace("/service/")
                    .scope("pg-test")
                    .memberName(m.name())
                    .ttl(Duration.ofSeconds(10))
                    .requestTimeout(Duration.ofSeconds(5))
                    .build());
        members.add(dcs);
        assertThat(dcs.updateMember(m)).isTrue();
        if (m.name().equals(leader)) {
          leaderDcs = dcs;
        }
      }
      assertThat(leaderDcs).isNotNull();
      assertThat(leaderDcs.claimInitialize(parsed.initialize().orElseThrow())).isTrue();
      assertThat(leaderDcs.writeConfig(parsed.config().orElseThrow(), Dcs.ABSENT)).isTrue();
      assertThat(leaderDcs.acquireLeader()).isTrue();
      assertThat(leaderDcs.writeSync(parsed.sync().orElseThrow(), Dcs.ABSENT)).isTrue();
      assertThat(leaderDcs.writeStatus(parsed.status().orElseThrow())).isTrue();
      assertThat(leaderDcs.writeHistory(parsed.history())).isTrue();

      // What pgha reads back is what it parsed from Patroni's own values.
      ClusterView reread = leaderDcs.refresh();
      assertThat(reread.members()).isEqualTo(parsed.members());
      assertThat(reread.config()).isEqualTo(parsed.config());
      assertThat(reread.sync().map(s -> s.syncStandbys()))
          .isEqualTo(parsed.sync().map(s -> s.syncStandbys()));
      assertThat(reread.status()).isEqualTo(parsed.status());
      assertThat(reread.history()).isEqualTo(parsed.history());
      assertThat(reread.initialize()).isEqualTo(parsed.initialize());

      Path yaml = dir.resolve("patronictl.yml");
      URI endpoint = URI.create(etcd.clientEndpoints().get(0));
      Files.writeString(
          yaml,
          "scope: pg-test\n"
              + "namespace: /service/\n"
              + "etcd3:\n"
              + "  hosts: "
              + endpoint.getHost()
              + ":"
              + endpoint.getPort()
              + "\n"
              + "  protocol: http\n");

      String list = patronictl(yaml, "list");
      for (Member m : parsed.members().values()) {
        assertThat(list).contains(m.name());
      }
      assertThat(row(list, leader)).contains("Leader").contains("running");
      assertThat(row(list, "pg-test-3")).contains("Sync Standby");
      assertThat(row(list, "pg-test-1")).contains("Replica");
      assertThat(list).contains("Cluster: pg-test");

      String history = patronictl(yaml, "history");
      assertThat(history).contains("no recovery target specified").contains(leader);

      String config = patronictl(yaml, "show-config");
      assertThat(config).contains("ttl: 10").contains("synchronous_mode: true");
    } finally {
      members.forEach(EtcdDcs::close);
    }
  }

  private static String row(String table, String member) {
    return table
        .lines()
        .filter(l -> l.contains("| " + member + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + member + " in\n" + table));
  }

  private static String patronictl(Path config, String command)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(PATRONICTL.toString(), "-c", config.toString(), command)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("patronictl " + command + " did not finish within 60s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("patronictl %s exit code, output:%n%s", command, out).isZero();
    return out;
  }
}
