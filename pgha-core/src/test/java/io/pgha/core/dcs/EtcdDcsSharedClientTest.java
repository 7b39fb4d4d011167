package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RtoPreset;
import io.pgha.patroni.Leader;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.testkit.LocalEtcd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Members' DCS sharing one etcd client, as a load generator hosts them: each still on its own. */
class EtcdDcsSharedClientTest {
  private static LocalEtcd etcd;
  private final List<EtcdDcs> opened = new ArrayList<>();

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

  @AfterEach
  void closeAll() {
    opened.forEach(EtcdDcs::close);
  }

  private static PghaConfig config(String scope, String name, List<String> endpoints) {
    return PghaConfig.builder()
        .scope(scope)
        .name(name)
        .etcdEndpoints(endpoints)
        .preset(RtoPreset.RAPID)
        .postgresDataDir(Path.of("/nonexistent", name))
        .postgresListen("127.0.0.1:5432")
        .build();
  }

  private EtcdDcs open(EtcdDcs dcs) {
    opened.add(dcs);
    return dcs;
  }

  @Test
  void membersSharingAClientHaveTheirOwnLeaseKeysAndWatchAndOutliveTheFirst() throws Exception {
    List<String> endpoints = etcd.clientEndpoints();
    EtcdDcs a = open(EtcdDcs.connect(config("shared", "a", endpoints), "a"));
    EtcdDcs b = open(EtcdDcs.connectSharing(config("shared", "b", endpoints), "b", a));
    EtcdDcs c = open(EtcdDcs.connectSharing(config("other", "c", endpoints), "c", a));

    assertThat(a.updateMember(Member.builder("a").role(Role.PRIMARY).state("running").build()))
        .isTrue();
    assertThat(a.acquireLeader()).isTrue();
    assertThat(b.updateMember(Member.builder("b").state("running").build())).isTrue();
    assertThat(c.updateMember(Member.builder("c").state("running").build())).isTrue();

    assertThat(List.of(a, b, c))
        .extracting(d -> d.leaseStatus().leaseId())
        .doesNotContain(0L)
        .doesNotHaveDuplicates();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(b.view().leader().map(Leader::name)).hasValue("a");
              assertThat(b.view().members()).containsOnlyKeys("a", "b");
            });
    assertThat(c.view().members()).containsOnlyKeys("c");

    a.close(); // the first of the client's users: the others go on using it
    a.close(); // and closing it again does not take the client from them
    assertThat(b.updateMember(Member.builder("b").state("running").xlogLocation(1).build()))
        .isTrue();
    assertThat(b.refresh().members().get("b").xlogLocation()).hasValue(1L);
    assertThat(c.refresh().members()).containsOnlyKeys("c");
  }

  @Test
  void aClientIsSharedOnlyByMembersThatReachEtcdTheSameWay() {
    List<String> endpoints = etcd.clientEndpoints();
    EtcdDcs a = open(EtcdDcs.connect(config("same", "a", endpoints), "a"));
    List<String> others = new ArrayList<>(endpoints);
    others.add("http://127.0.0.1:9");

    assertThatThrownBy(() -> EtcdDcs.connectSharing(config("same", "b", others), "b", a))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be reached as by a")
        .hasMessageContaining("to share its client");
  }
}
