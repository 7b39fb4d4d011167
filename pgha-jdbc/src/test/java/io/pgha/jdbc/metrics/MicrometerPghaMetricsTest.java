package io.pgha.jdbc.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pgha's meters as routing's hooks drive them, through a failover. */
class MicrometerPghaMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerPghaMetrics metrics = new MicrometerPghaMetrics(registry, "app");

  private static Member member(String name, MemberRole role, long lag) {
    return new Member(name, role, "running", "127.0.0.1", 5432, lag, true, null);
  }

  private double role(String member, String role) {
    return registry
        .get("pgha.member.role")
        .tags("pool", "app", "member", member, "role", role)
        .gauge()
        .value();
  }

  @Test
  void theRoleGaugesFollowAFailoverWhileTheMembersKeepTheirSeries() {
    metrics.leaderChanged(null, "pg1");
    metrics.topologyChanged(
        new Topology(
            "pg1",
            List.of(member("pg1", MemberRole.PRIMARY, 0), member("pg2", MemberRole.REPLICA, 10))));
    assertThat(role("pg1", "leader")).isEqualTo(1.0);
    assertThat(role("pg1", "replica")).isEqualTo(0.0);
    assertThat(role("pg2", "leader")).isEqualTo(0.0);
    assertThat(role("pg2", "replica")).isEqualTo(1.0);
    assertThat(registry.get("pgha.replica.lag").tag("member", "pg2").gauge().value())
        .isEqualTo(10.0);

    // pg1 dies, pg2 is promoted: no leader for a moment, then pg2.
    metrics.leaderChanged("pg1", null);
    metrics.topologyChanged(new Topology(null, List.of(member("pg2", MemberRole.REPLICA, 0))));
    assertThat(role("pg1", "leader")).isEqualTo(0.0);
    metrics.leaderChanged(null, "pg2");
    metrics.topologyChanged(
        new Topology(
            "pg2",
            List.of(member("pg2", MemberRole.PRIMARY, 0), member("pg1", MemberRole.REPLICA, 0))));

    assertThat(role("pg2", "leader")).isEqualTo(1.0);
    assertThat(role("pg2", "replica")).isEqualTo(0.0);
    assertThat(role("pg1", "replica")).isEqualTo(1.0);
    assertThat(registry.find("pgha.member.role").gauges()).hasSize(4);
    assertThat(registry.get("pgha.leader.changes").counter().count()).isEqualTo(3.0);
    assertThat(registry.get("pgha.replica.lag").tag("member", "pg2").gauge().value())
        .isEqualTo(-1.0);
  }
}
