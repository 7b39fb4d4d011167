package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Leader;
import io.pgha.patroni.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ViewAssemblerTest {
  private final ViewAssembler assembler =
      new ViewAssembler(PatroniSamples.KEYS, new BadValueLog("test"));

  @Test
  void asyncSampleGivesTheWholeCluster() {
    PatroniSamples.Sample sample = PatroniSamples.load("async");
    ClusterView v = assembler.assemble(sample.kvs(), sample.revision());

    assertThat(v.revision()).isEqualTo(41);
    assertThat(v.initialize()).hasValue("7712415343663771374");
    assertThat(v.leader()).hasValue(new Leader("pg-test-2", 29, 29, 6924181172905371155L));
    assertThat(v.members()).containsOnlyKeys("pg-test-1", "pg-test-2", "pg-test-3");
    assertThat(v.leaderMember().orElseThrow().role()).isEqualTo(Role.PRIMARY);
    assertThat(v.config().orElseThrow().ttl()).isEqualTo(30);
    assertThat(v.configModRevision()).isEqualTo(7);
    assertThat(v.failover()).as("{} means no request").isEmpty();
    assertThat(v.sync()).isEmpty();
    assertThat(v.status().orElseThrow().optime()).hasValue(67356440L);
    assertThat(v.history()).hasSize(1);
  }

  @Test
  void syncSampleHasTheSyncKey() {
    PatroniSamples.Sample sample = PatroniSamples.load("sync");
    ClusterView v = assembler.assemble(sample.kvs(), sample.revision());
    assertThat(v.sync().orElseThrow().syncStandbys()).containsExactly("pg-test-3");
    assertThat(v.sync().orElseThrow().modRevision()).isEqualTo(63);
    assertThat(v.effectiveConfig().synchronousMode().isSynchronous()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "leader",
        "initialize",
        "config",
        "failover",
        "sync",
        "status",
        "history",
        "members/pg-test-1",
        "failsafe"
      })
  void garbageInOneKeyLeavesTheRestReadable(String relative) {
    PatroniSamples.Sample sample = PatroniSamples.load("sync");
    List<RawKeyValue> kvs = new ArrayList<>(sample.kvs());
    kvs.removeIf(kv -> kv.key().equals(PatroniSamples.KEYS.prefix() + relative));
    for (String garbage : List.of("", "{not json", "[1,2,3]", "\u0000\u00ff", "null", "42")) {
      List<RawKeyValue> withGarbage = new ArrayList<>(kvs);
      withGarbage.add(new RawKeyValue(PatroniSamples.KEYS.prefix() + relative, garbage, 1, 1, 0));

      ClusterView v = assembler.assemble(withGarbage, 99);

      assertThat(v.members()).containsKeys("pg-test-2", "pg-test-3");
      assertThat(v.effectiveConfig()).isNotNull();
      if (!relative.equals("leader") && !garbage.isBlank()) {
        assertThat(v.leader().orElseThrow().name()).isEqualTo("pg-test-2");
      }
    }
  }

  @Test
  void anUnreadableSyncKeyNamesNoOneButKeepsItsRevision() {
    PatroniSamples.Sample sample = PatroniSamples.load("sync");
    List<RawKeyValue> kvs = new ArrayList<>(sample.kvs());
    kvs.removeIf(kv -> kv.key().equals(PatroniSamples.KEYS.prefix() + "sync"));
    kvs.add(new RawKeyValue(PatroniSamples.KEYS.prefix() + "sync", "{not json", 7, 70, 0));

    ClusterView v = assembler.assemble(kvs, 99);

    assertThat(v.sync().orElseThrow().leader()).isEmpty();
    assertThat(v.sync().orElseThrow().syncStandbys()).isEmpty();
    assertThat(v.sync().orElseThrow().modRevision()).isEqualTo(70);
  }

  @Test
  void keysOutsideThePrefixAreIgnored() {
    ClusterView v =
        assembler.assemble(
            List.of(
                new RawKeyValue("/service/other/leader", "x", 1, 1, 0),
                new RawKeyValue("/service/pg-test/members/", "{}", 1, 1, 0),
                new RawKeyValue("/service/pg-test/optime/leader", "5", 1, 1, 0)),
            3);
    assertThat(v.leader()).isEmpty();
    assertThat(v.members()).isEmpty();
  }
}
