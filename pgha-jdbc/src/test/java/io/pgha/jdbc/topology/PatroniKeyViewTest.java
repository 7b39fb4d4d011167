package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatroniKeyViewTest {

  private static final String PREFIX = "/service/pg-test/";

  /** Loads an {@code etcdctl get --prefix} dump: key line, value line, ... */
  static PatroniKeyView load(String resource) throws IOException {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    List<String> lines = read(resource).lines().toList();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      view.put(lines.get(i), lines.get(i + 1));
    }
    return view;
  }

  static String read(String resource) throws IOException {
    try (InputStream in = PatroniKeyViewTest.class.getResourceAsStream("/patroni/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsPatroni302AsyncKeys() throws IOException {
    Topology t = load("async-etcd-get-prefix.txt").topology();

    assertThat(t.leaderName()).isEqualTo("pg-test-2");
    assertThat(t.members())
        .extracting(Member::name)
        .containsExactly("pg-test-1", "pg-test-2", "pg-test-3");
    Member leader = t.writableLeader().orElseThrow();
    assertThat(leader.role()).isEqualTo(MemberRole.PRIMARY);
    assertThat(leader.address()).isEqualTo("127.0.0.1:25433");
    assertThat(t.replicas()).extracting(Member::port).containsExactly(25432, 25434);
    // The replicas' received position is ahead of the leader's last published one: lag 0, not < 0.
    assertThat(t.replicas()).extracting(Member::lagBytes).containsOnly(0L);
    assertThat(t.replicas()).allMatch(m -> m.isRunning() && m.streaming());
  }

  @Test
  void readsSyncClusterKeys() throws IOException {
    Topology t = load("sync-etcd-get-prefix.txt").topology();
    assertThat(t.writableLeader()).map(Member::name).contains("pg-test-2");
    assertThat(t.replicas()).hasSize(2);
  }

  @Test
  void lagIsLeaderPositionMinusReplicaPosition() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "leader", "a");
    view.put(PREFIX + "members/a", member(5432, "primary", 1000, ""));
    view.put(PREFIX + "members/b", member(5433, "replica", 400, ""));
    view.put(PREFIX + "status", "{\"optime\": 1200}");

    assertThat(view.topology().member("b").orElseThrow().lagBytes()).isEqualTo(800);
  }

  @Test
  void prefersReplayPositionWhenPublished() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "leader", "a");
    view.put(PREFIX + "members/a", member(5432, "primary", 1000, ""));
    view.put(PREFIX + "members/b", member(5433, "replica", 1000, ", \"replay_lsn\": 100"));

    assertThat(view.topology().member("b").orElseThrow().lagBytes()).isEqualTo(900);
  }

  @Test
  void malformedMemberValueKeepsTheLastGoodOne() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "leader", "a");
    view.put(PREFIX + "members/a", member(5432, "master", 1000, ""));
    view.put(PREFIX + "members/a", "{not json");
    view.put(PREFIX + "members/a", "{\"role\": \"master\"}");
    view.put(PREFIX + "members/b", "[1,2]");

    Topology t = view.topology();
    assertThat(t.writableLeader()).map(Member::port).contains(5432);
    assertThat(t.member("b")).isEmpty();
  }

  @Test
  void leaderKeyGoneMeansNoWritableLeader() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "leader", "a");
    view.put(PREFIX + "members/a", member(5432, "master", 1000, ""));
    view.delete(PREFIX + "leader");

    assertThat(view.topology().writableLeader()).isEmpty();
    assertThat(view.topology().members()).hasSize(1);
  }

  @Test
  void promotingLeaderTakesWritesAsSoonAsItHoldsTheKey() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "members/b", member(5433, "replica", 1000, ""));
    assertThat(view.topology().writableLeader()).isEmpty();

    view.put(PREFIX + "leader", "b");
    assertThat(view.topology().writableLeader()).map(Member::name).contains("b");
  }

  @Test
  void standbyLeaderNeverTakesWrites() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "leader", "s");
    view.put(PREFIX + "members/s", member(5433, "standby_leader", 1000, ""));
    assertThat(view.topology().writableLeader()).isEmpty();
  }

  @Test
  void tagsAndReplicationStateAreRead() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(
        PREFIX + "members/c",
        member(
            5434,
            "replica",
            10,
            ", \"tags\": {\"noloadbalance\": true},"
                + " \"replication_state\": \"in archive recovery\""));
    Member c = view.topology().member("c").orElseThrow();
    assertThat(c.isNoLoadBalance()).isTrue();
    assertThat(c.streaming()).isFalse();
  }

  @Test
  void keysOfOtherClustersAreIgnored() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put("/service/other/leader", "x");
    view.put("/service/pg-test-2/leader", "x");
    assertThat(view.isEmpty()).isTrue();
  }

  private static String member(int port, String role, long xlog, String extra) {
    return "{\"conn_url\": \"postgres://127.0.0.1:"
        + port
        + "/postgres\", \"state\": \"running\","
        + " \"role\": \""
        + role
        + "\", \"xlog_location\": "
        + xlog
        + extra
        + "}";
  }

  @Test
  void drainIsReadAndAMalformedOneIgnored() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "members/a", member(5432, "primary", 1000, ""));
    view.put(PREFIX + "leader", "a");
    view.put(PREFIX + "drain", "{\"leader\": \"a\", \"timeout_ms\": 60000}");
    assertThat(view.topology().drainingLeader()).isEqualTo("a");
    assertThat(view.drainRemainingNanos()).isPositive();

    view.delete(PREFIX + "drain");
    view.put(PREFIX + "drain", "{\"leader\": \"a\"}");
    assertThat(view.drainRemainingNanos()).isZero();
  }

  @Test
  void blankOrUnreadableLeaderKeyMeansNoLeader() {
    PatroniKeyView view = new PatroniKeyView(PREFIX);
    view.put(PREFIX + "members/a", member(5432, "primary", 1000, ""));
    view.put(PREFIX + "leader", "  ");
    assertThat(view.topology().leaderName()).isNull();
    view.put(PREFIX + "leader", " a ");
    assertThat(view.topology().leaderName()).isEqualTo("a");
  }
}
