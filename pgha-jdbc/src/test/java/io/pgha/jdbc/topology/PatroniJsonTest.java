package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.jdbc.Member;
import io.pgha.jdbc.MemberRole;
import io.pgha.jdbc.Topology;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatroniJsonTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "async-leader-cluster.json",
        "async-replica-cluster.json",
        "sync-leader-cluster.json",
        "sync-replica-cluster.json"
      })
  void readsGetClusterOfPatroni302(String sample) throws IOException {
    Topology t = PatroniJson.parseCluster(PatroniKeyViewTest.read(sample));

    assertThat(t.leaderName()).isEqualTo("pg-test-2");
    assertThat(t.writableLeader()).map(Member::port).contains(25433);
    assertThat(t.replicas()).extracting(Member::name).containsExactly("pg-test-1", "pg-test-3");
    assertThat(t.replicas()).allMatch(m -> m.lagBytes() == 0 && m.isRunning());
  }

  @Test
  void unknownLagStaysUnknown() {
    Topology t =
        PatroniJson.parseCluster(
            "{\"members\": [{\"name\": \"a\", \"role\": \"replica\", \"state\": \"running\","
                + " \"host\": \"h\", \"port\": 1, \"lag\": \"unknown\"}]}");
    assertThat(t.member("a").orElseThrow().lagBytes()).isEqualTo(Member.UNKNOWN_LAG);
    assertThat(t.leaderName()).isNull();
  }

  @Test
  void rolesOfBothPatroniGenerationsAreRead() {
    assertThat(MemberRole.fromPatroni("master")).isEqualTo(MemberRole.PRIMARY);
    assertThat(MemberRole.fromPatroni("primary")).isEqualTo(MemberRole.PRIMARY);
    assertThat(MemberRole.fromPatroni("sync_standby")).isEqualTo(MemberRole.REPLICA);
    assertThat(MemberRole.fromPatroni("standby_leader")).isEqualTo(MemberRole.STANDBY_LEADER);
    assertThat(MemberRole.fromPatroni("witch")).isEqualTo(MemberRole.UNKNOWN);
  }

  @Test
  void malformedClusterBodyNamesTheProblem() {
    assertThatThrownBy(() -> PatroniJson.parseCluster("{\"members\": 3}"))
        .hasMessageContaining("members is missing or not a list");
    assertThatThrownBy(() -> PatroniJson.parseCluster("<html>"))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void memberKeyErrorsNameTheMemberAndHideThePassword() {
    assertThatThrownBy(() -> PatroniJson.parseMemberKey("m1", "{\"state\": \"running\"}"))
        .hasMessage("member m1: conn_url is missing");
    assertThatThrownBy(
            () -> PatroniJson.parseMemberKey("m1", "{\"conn_url\": \"postgres://u:secret@/x\"}"))
        .hasMessageContaining("member m1")
        .hasMessageNotContaining("secret");
  }
}
