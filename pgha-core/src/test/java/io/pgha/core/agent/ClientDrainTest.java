package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.Tags;
import org.junit.jupiter.api.Test;

/** When a stopping leader keeps waiting for a successor before it withdraws the drain. */
class ClientDrainTest {

  private static Member replica(String name) {
    return Member.builder(name).role(Role.REPLICA).state("running").build();
  }

  private static ClusterView.Builder afterRelease() {
    return ClusterView.builder()
        .config(DynamicConfig.builder().build())
        .member(Member.builder("pg-1").role(Role.PRIMARY).state("stopped").build());
  }

  @Test
  void aRunningReplicaThatMayFailOverIsWaitedForUntilItLeads() {
    ClusterView released = afterRelease().member(replica("pg-2")).build();
    assertThat(ClientDrain.mayStillBeLed(released, "pg-1", null)).isTrue();

    ClusterView led =
        afterRelease()
            .member(Member.builder("pg-2").role(Role.PRIMARY).state("running").build())
            .leader("pg-2")
            .build();
    assertThat(ClientDrain.mayStillBeLed(led, "pg-1", null)).isFalse();
  }

  @Test
  void noOneIsWaitedForInAPausedClusterOrWhenNoMemberMayTakeOver() {
    // basic_replication.feature stops the leader of a paused cluster: nobody is elected, and the
    // stop must not hang for the whole ttl.
    ClusterView paused =
        afterRelease()
            .config(DynamicConfig.builder().pause(true).build())
            .member(replica("pg-2"))
            .build();
    assertThat(ClientDrain.mayStillBeLed(paused, "pg-1", null)).isFalse();

    ClusterView noCandidate =
        afterRelease()
            .member(replica("pg-2").toBuilder().tags(Tags.NONE.withNoFailover(true)).build())
            .member(replica("pg-3").toBuilder().state("stopped").build())
            .build();
    assertThat(ClientDrain.mayStillBeLed(noCandidate, "pg-1", null)).isFalse();
  }
}
