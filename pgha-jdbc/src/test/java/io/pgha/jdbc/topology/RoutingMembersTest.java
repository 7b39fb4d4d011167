package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingMembersTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "async-leader-cluster.json",
        "async-replica-cluster.json",
        "sync-leader-cluster.json",
        "sync-replica-cluster.json"
      })
  void readsGetClusterOfPatroni302(String sample) throws IOException {
    Topology t = RoutingMembers.cluster(PatroniKeyViewTest.read(sample));

    assertThat(t.leaderName()).isEqualTo("pg-test-2");
    assertThat(t.writableLeader()).map(Member::port).contains(25433);
    assertThat(t.replicas()).extracting(Member::name).containsExactly("pg-test-1", "pg-test-3");
    assertThat(t.replicas()).allMatch(m -> m.lagBytes() == 0 && m.isRunning());
  }

  @Test
  void aHostThatIsNotAHostIsNotRoutedTo() {
    for (String host :
        List.of(
            "10.0.0.9,10.0.0.8",
            "h/db?sslfactory=x",
            "h?socketFactory=x",
            "h:5432/x",
            "h x",
            "h\\nx")) {
      Topology t =
          RoutingMembers.cluster(
              "{\"members\": [{\"name\": \"a\", \"role\": \"leader\", \"state\": \"running\","
                  + " \"host\": \""
                  + host
                  + "\", \"port\": 5432}]}");
      assertThat(t.member("a").orElseThrow().hasAddress()).as(host).isFalse();
    }
    Topology ok =
        RoutingMembers.cluster(
            "{\"members\": [{\"name\": \"a\", \"role\": \"leader\", \"state\": \"running\","
                + " \"host\": \"::1\", \"port\": 5432}, {\"name\": \"b\", \"role\":"
                + " \"replica\", \"state\": \"running\", \"host\": \"db-2.example\","
                + " \"port\": 5432}]}");
    assertThat(ok.member("a").orElseThrow().hasAddress()).isTrue();
    assertThat(ok.member("b").orElseThrow().hasAddress()).isTrue();
  }

  @Test
  void unknownLagStaysUnknown() {
    Topology t =
        RoutingMembers.cluster(
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
    assertThatThrownBy(() -> RoutingMembers.cluster("{\"members\": 3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GET /cluster members")
        .hasMessageContaining("a list of members");
    assertThatThrownBy(() -> RoutingMembers.cluster("<html>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void memberKeyErrorsNameTheMemberAndHideThePassword() {
    assertThatThrownBy(() -> RoutingMembers.memberKey("k", "m1", "{\"state\": \"running\"}"))
        .hasMessage("member m1: conn_url is missing");
    assertThatThrownBy(
            () -> RoutingMembers.memberKey("k", "m1", "{\"conn_url\": \"postgres://u:secret@/x\"}"))
        .hasMessageContaining("member m1")
        .hasMessageNotContaining("secret");
  }

  @Test
  void clusterMembersMapToTheRoutingView() {
    Topology t =
        RoutingMembers.cluster(
            "{\"members\": [{\"name\": \"b\", \"role\": \"replica\", \"state\": \"stopped\","
                + " \"host\": \"h\", \"port\": 2, \"lag\": 7, \"tags\": {\"noloadbalance\": \"yes\"}},"
                + " {\"name\": \"a\", \"role\": \"leader\", \"host\": \"h\", \"port\": 1, \"lag\": 9},"
                + " {\"name\": \"c\", \"role\": \"demoted\", \"port\": -5}]}");

    assertThat(t.leaderName()).isEqualTo("a");
    assertThat(t.members()).extracting(Member::name).containsExactly("a", "b", "c");
    Member a = t.member("a").orElseThrow();
    assertThat(a.lagBytes()).isZero();
    assertThat(a.state()).isEqualTo("unknown");
    Member b = t.member("b").orElseThrow();
    assertThat(b.lagBytes()).isEqualTo(7);
    assertThat(b.streaming()).isFalse();
    assertThat(b.isNoLoadBalance()).isTrue();
    Member c = t.member("c").orElseThrow();
    assertThat(c.role()).isEqualTo(MemberRole.UNKNOWN);
    assertThat(c.hasAddress()).isFalse();
  }

  @Test
  void memberKeyMapsToTheRoutingView() {
    RoutingMembers.MemberKey k =
        RoutingMembers.memberKey(
            "k",
            "m1",
            "{\"conn_url\": \"postgres://[::1]/postgres\", \"role\": \"replica\","
                + " \"xlog_location\": \"300\", \"replication_state\": \"streaming\","
                + " \"tags\": {\"nofailover\": true}}");
    assertThat(k.member().host()).isEqualTo("[::1]");
    assertThat(k.member().port()).isEqualTo(5432);
    assertThat(k.member().streaming()).isTrue();
    assertThat(k.member().tags()).containsEntry("nofailover", true);
    assertThat(k.walPosition()).isEqualTo(300);
    assertThat(k.replayPosition()).isEqualTo(-1);
  }
}
