package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.SyncState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Whether a fast takeover may depose the leader {@code pg-1}, from the sync key and its writes. */
class FastTakeoverExposureTest {
  private final FastTakeoverExposure exposure = new FastTakeoverExposure("pg-1");

  private static ClusterView at(long revision, SyncState sync) {
    ClusterView.Builder b = ClusterView.builder().revision(revision).leader("pg-1");
    return sync == null ? b.build() : b.sync(sync).build();
  }

  private static SyncState sync(String leader, List<String> standbys, long modRevision) {
    return new SyncState(Optional.of(leader), standbys, OptionalInt.empty(), modRevision);
  }

  private static SyncState namesPg2(long modRevision) {
    return sync("pg-1", List.of("pg-2"), modRevision);
  }

  @Test
  void onlyAKeyNamingAStandbyUnderThisLeadersNameExposesIt() {
    assertThat(exposure.mayDepose(at(10, null))).as("absent").isFalse();
    assertThat(exposure.mayDepose(at(10, sync("pg-1", List.of(), 9))))
        .as("naming nobody")
        .isFalse();
    assertThat(exposure.mayDepose(at(10, sync("pg-2", List.of("pg-1"), 9))))
        .as("another leader's (the fast takeover writes one naming the new leader)")
        .isFalse();
    assertThat(exposure.mayDepose(at(10, SyncState.unreadable(9)))).as("unreadable").isFalse();
    assertThat(exposure.mayDepose(at(10, namesPg2(9))))
        .as("naming a standby under pg-1, from this term or an earlier one")
        .isTrue();
  }

  @Test
  void beforeTheFirstViewOfEtcdTheLeaderCountsAsExposed() {
    assertThat(exposure.mayDepose(ClusterView.empty())).isTrue();
    assertThat(exposure.mayDepose(at(1, null))).isFalse();
  }

  @Test
  void anArmingWriteExposesTheLeaderFromBeforeItIsSentOnEvenIfTheViewLags() {
    exposure.arming();
    assertThat(exposure.mayDepose(at(10, null))).as("in flight").isTrue();
    exposure.written(true, OptionalLong.of(12), true);
    // The watch has not delivered the write yet (its header revision may even be ahead).
    assertThat(exposure.mayDepose(at(11, null))).isTrue();
    assertThat(exposure.mayDepose(at(15, null))).isTrue();
    assertThat(exposure.mayDepose(at(12, namesPg2(12)))).isTrue();

    // Rewritten naming nobody (not arming): relaxed at once, whatever a lagging view shows.
    exposure.written(false, OptionalLong.of(15), true);
    assertThat(exposure.mayDepose(at(13, namesPg2(12)))).isFalse();
    assertThat(exposure.mayDepose(at(15, sync("pg-1", List.of(), 15)))).isFalse();
    // Our own next arming write is the only way back.
    exposure.arming();
    assertThat(exposure.mayDepose(at(15, null))).isTrue();
  }

  @Test
  void aNewerVersionOfTheKeyThanOurLastWriteDecides() {
    exposure.arming();
    exposure.written(true, OptionalLong.of(12), true);
    // A fast takeover rewrote it naming the new leader, in the revision that took the leader
    // key: until the leadership ends, the short bound (a view is installed before the leadership
    // is checked against it).
    ClusterView takenOver =
        ClusterView.builder().revision(20).leader("pg-2").sync(sync("pg-2", List.of(), 20)).build();
    assertThat(exposure.mayDepose(takenOver)).isTrue();
    // The key left by another leader, in a view that shows us leading, exposes nothing.
    assertThat(exposure.mayDepose(at(20, sync("pg-2", List.of(), 20)))).isFalse();
    // Absent: deleted later, or not delivered yet; cannot tell, so still exposed.
    assertThat(exposure.mayDepose(at(20, null))).isTrue();
  }

  @Test
  void anArmingWriteThatFailedItsCompareChangesNothing() {
    exposure.arming();
    exposure.written(true, OptionalLong.of(20), false);
    assertThat(exposure.mayDepose(at(20, null))).isFalse();
    assertThat(exposure.mayDepose(at(20, namesPg2(18)))).isTrue();
  }

  @Test
  void anArmingWriteWithoutAnswerExposesUntilALaterWriteOfOursIsConfirmed() {
    exposure.arming();
    exposure.written(true, OptionalLong.empty(), false);
    assertThat(exposure.mayDepose(at(100, null))).as("it may still be applied").isTrue();
    // A failed compare does not exclude it: the key may still be at the revision it compares.
    exposure.written(false, OptionalLong.of(101), false);
    assertThat(exposure.mayDepose(at(101, null))).isTrue();
    // A delete of ours that succeeded moved the mod revision on: the lost write can no longer land.
    exposure.written(false, OptionalLong.of(102), true);
    assertThat(exposure.mayDepose(at(101, null))).isFalse();
  }

  @Test
  void aNonArmingWriteWithoutAnswerChangesNothing() {
    exposure.written(false, OptionalLong.empty(), false);
    assertThat(exposure.mayDepose(at(5, null))).isFalse();
    assertThat(exposure.mayDepose(at(5, namesPg2(4)))).isTrue();
  }
}
