package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where writes go, one test per branch of {@link Topology#writableLeader()}. */
class TopologyTest {

  private static Member member(String name, MemberRole role, String state, int port) {
    return new Member(name, role, state, "127.0.0.1", port, 0, true, null);
  }

  private static final Member A_PRIMARY = member("a", MemberRole.PRIMARY, "running", 5001);
  private static final Member A_STOPPED = member("a", MemberRole.UNKNOWN, "stopped", 5001);
  private static final Member B_REPLICA = member("b", MemberRole.REPLICA, "running", 5002);
  private static final Member B_PRIMARY = member("b", MemberRole.PRIMARY, "running", 5002);
  private static final Member B_STARTING = member("b", MemberRole.PRIMARY, "starting", 5002);

  @Test
  void noLeaderKeyNoWrites() {
    assertThat(new Topology(null, List.of(A_PRIMARY, B_REPLICA)).writableLeader()).isEmpty();
  }

  @Test
  void aRunningPrimaryHoldingTheKeyTakesWrites() {
    assertThat(new Topology("a", List.of(A_PRIMARY, B_REPLICA)).writableLeader())
        .contains(A_PRIMARY);
  }

  @Test
  void aHolderStillPromotingTakesWritesWithoutADrain() {
    assertThat(new Topology("b", List.of(A_STOPPED, B_REPLICA)).writableLeader())
        .contains(B_REPLICA);
  }

  @Test
  void theDrainingLeaderTakesNoNewWrites() {
    assertThat(new Topology("a", List.of(A_PRIMARY, B_REPLICA), "a").writableLeader()).isEmpty();
  }

  @Test
  void duringADrainNobodyHoldingTheKeyMeansWait() {
    assertThat(new Topology(null, List.of(A_STOPPED, B_REPLICA), "a").writableLeader()).isEmpty();
  }

  @Test
  void duringADrainASuccessorStillPromotingTakesNoWrites() {
    assertThat(new Topology("b", List.of(A_STOPPED, B_REPLICA), "a").writableLeader()).isEmpty();
  }

  @Test
  void duringADrainASuccessorNotRunningTakesNoWrites() {
    assertThat(new Topology("b", List.of(A_STOPPED, B_STARTING), "a").writableLeader()).isEmpty();
  }

  @Test
  void duringADrainASuccessorRunningAsPrimaryTakesWritesBeforeTheDrainIsWithdrawn() {
    assertThat(new Topology("b", List.of(A_STOPPED, B_PRIMARY), "a").writableLeader())
        .contains(B_PRIMARY);
  }

  @Test
  void duringADrainAHolderWithoutMemberKeyTakesNoWrites() {
    assertThat(new Topology("c", List.of(A_STOPPED, B_PRIMARY), "a").writableLeader()).isEmpty();
  }
}
