package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.Patronictl;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Patroni samples, parsed by pgha and written back through pgha into a real etcd, read by the
 * real {@code patronictl}.
 */
class PatronictlRoundTripTest {
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
        Patronictl.binary().isPresent(), "patronictl is not installed (apt-get install patroni)");
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

      URI endpoint = URI.create(etcd.clientEndpoints().get(0));
      Patronictl ctl =
          Patronictl.forCluster(
              dir, endpoint.getHost() + ":" + endpoint.getPort(), "/service/", "pg-test");

      String list = ctl.run("list").ok();
      for (Member m : parsed.members().values()) {
        assertThat(list).contains(m.name());
      }
      assertThat(Patronictl.row(list, leader)).contains("Leader").contains("running");
      assertThat(Patronictl.row(list, "pg-test-3")).contains("Sync Standby");
      assertThat(Patronictl.row(list, "pg-test-1")).contains("Replica");
      assertThat(list).contains("Cluster: pg-test");

      String history = ctl.run("history").ok();
      assertThat(history).contains("no recovery target specified").contains(leader);

      String config = ctl.run("show-config").ok();
      assertThat(config).contains("ttl: 10").contains("synchronous_mode: true");
    } finally {
      members.forEach(EtcdDcs::close);
    }
  }
}
