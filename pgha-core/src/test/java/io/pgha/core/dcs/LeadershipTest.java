package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A leader key deleted under the leader: vacated, not lost, while the lease it led on lives. */
class LeadershipTest {
  private static final long LEASE = 0x42;
  private static final long NOW = 1_000_000_000_000L;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final LeaseStatus ALIVE =
      new LeaseStatus(LEASE, 30, NOW - SECOND, NOW + 20 * SECOND);

  private final Leadership leadership = new Leadership("pg-1");
  private final List<String> lost = new ArrayList<>();

  LeadershipTest() {
    leadership.onLost((reason, at) -> lost.add(reason));
    leadership.confirmed(10, LEASE, ALIVE, "acquired the leader key");
  }

  private static ClusterView withoutLeader() {
    return ClusterView.builder().revision(11).build();
  }

  @Test
  void aDeletedKeyOnALiveLeaseIsVacatedUntilTheLeaseDeadlineThenWithoutFence() {
    leadership.check(withoutLeader(), ALIVE, NOW);

    assertThat(lost).isEmpty();
    assertThat(leadership.isLeading()).isTrue();
    assertThat(leadership.holdsOn(ALIVE, NOW)).isFalse();
    assertThat(leadership.confirmedAtNanos()).isEmpty();
    assertThat(leadership.vacated(NOW)).contains(new Leadership.Vacated(LEASE, NOW + 20 * SECOND));
  }

  @Test
  void createdAgainItIsHeldAsBefore() {
    leadership.check(withoutLeader(), ALIVE, NOW);
    leadership.confirmed(12, LEASE, ALIVE, "created the leader key again");

    assertThat(leadership.vacated(NOW)).isEmpty();
    assertThat(leadership.holdsOn(ALIVE, NOW)).isTrue();
    assertThat(leadership.confirmedAtNanos()).hasValue(NOW - SECOND);
    assertThat(lost).isEmpty();
  }

  @Test
  void stillVacatedAtThatDeadlineLeadershipIsLost() {
    leadership.check(withoutLeader(), ALIVE, NOW);

    assertThat(leadership.vacated(NOW + 20 * SECOND)).isEmpty();
    assertThat(lost)
        .containsExactly(
            "the leader key stayed absent until the lease deadline it had when it was deleted");
    assertThat(leadership.isLeading()).isFalse();
  }

  @Test
  void aKeyTakenByAnotherMemberIsLostAtOnce() {
    leadership.check(ClusterView.builder().revision(11).leader("pg-2").build(), ALIVE, NOW);

    assertThat(lost).containsExactly("the leader key now names pg-2");
  }

  @Test
  void aKeyTakenWhileVacatedIsLostAtOnce() {
    leadership.check(withoutLeader(), ALIVE, NOW);
    leadership.check(ClusterView.builder().revision(12).leader("pg-2").build(), ALIVE, NOW);

    assertThat(lost).containsExactly("the leader key now names pg-2");
  }

  @Test
  void aDeletedKeyOnALeaseNoLongerConfirmedIsLostAtOnce() {
    leadership.check(withoutLeader(), ALIVE, NOW + 20 * SECOND);

    assertThat(lost).containsExactly("the leader key is gone");
  }

  @Test
  void aDeletedKeyWhileAnotherLeaseIsCurrentIsLostAtOnce() {
    LeaseStatus other = new LeaseStatus(LEASE + 1, 30, NOW - SECOND, NOW + 20 * SECOND);

    leadership.check(withoutLeader(), other, NOW);

    assertThat(lost).containsExactly("the leader key is gone");
  }

  @Test
  void theLeaseLostWhileVacatedEndsLeadership() {
    leadership.check(withoutLeader(), ALIVE, NOW);
    leadership.lost("the lease expired in etcd", NOW);

    assertThat(lost).containsExactly("the lease expired in etcd");
    assertThat(leadership.vacated(NOW)).isEmpty();
  }

  @Test
  void anOlderViewChangesNothing() {
    leadership.check(ClusterView.builder().revision(9).build(), ALIVE, NOW);

    assertThat(leadership.holdsOn(ALIVE, NOW)).isTrue();
    assertThat(lost).isEmpty();
  }
}
