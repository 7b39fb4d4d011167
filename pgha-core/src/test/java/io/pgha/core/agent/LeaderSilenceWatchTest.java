package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ha.LeaderLease;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Leader;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LeaderSilenceWatchTest {
  private static final DynamicConfig SYNC =
      DynamicConfig.builder().synchronousMode(SynchronousMode.ON).build();

  private static ClusterView view(String leader, long lease, SyncState sync) {
    return ClusterView.builder().leader(new Leader(leader, 1, 2, lease)).sync(sync).build();
  }

  @Test
  void theSynchronousStandbyOfAnotherLeaderWatchesItsLease() {
    assertThat(
            LeaderSilenceWatch.targetOf(
                view("pg-2", 77, SyncState.of("pg-2", List.of("pg-1"))), SYNC, "pg-1"))
        .contains(new LeaderSilenceWatch.Target(77, "pg-2", Duration.ofSeconds(2).toNanos()));
  }

  @Test
  void nobodyElseWatches() {
    ClusterView v = view("pg-2", 77, SyncState.of("pg-2", List.of("pg-1")));
    // not named in the sync key
    assertThat(LeaderSilenceWatch.targetOf(v, SYNC, "pg-3")).isEmpty();
    // the leader itself
    assertThat(LeaderSilenceWatch.targetOf(v, SYNC, "pg-2")).isEmpty();
    // asynchronous mode, quorum mode, turned off
    assertThat(LeaderSilenceWatch.targetOf(v, DynamicConfig.defaults(), "pg-1")).isEmpty();
    assertThat(
            LeaderSilenceWatch.targetOf(
                v, SYNC.toBuilder().synchronousMode(SynchronousMode.QUORUM).build(), "pg-1"))
        .isEmpty();
    assertThat(LeaderSilenceWatch.targetOf(v, SYNC.toBuilder().fastTakeover(false).build(), "pg-1"))
        .isEmpty();
    // a sync key of another leader, a leader key on no lease, no leader
    assertThat(
            LeaderSilenceWatch.targetOf(
                view("pg-2", 77, SyncState.of("pg-3", List.of("pg-1"))), SYNC, "pg-1"))
        .isEmpty();
    assertThat(
            LeaderSilenceWatch.targetOf(
                view("pg-2", 0, SyncState.of("pg-2", List.of("pg-1"))), SYNC, "pg-1"))
        .isEmpty();
    assertThat(LeaderSilenceWatch.targetOf(ClusterView.empty(), SYNC, "pg-1")).isEmpty();
  }

  @Test
  void readsAFreshLeaseLessOftenOnlyWhenThatDelaysNoTakeover() {
    long twoSeconds = Duration.ofSeconds(2).toNanos();
    LeaderLease fresh = new LeaderLease(77, OptionalLong.empty(), 0, 0);
    LeaderLease stale = new LeaderLease(77, OptionalLong.of(-1_000_000_000L), 0, 0);
    assertThat(LeaderSilenceWatch.periodMillisAfter(Optional.of(fresh), twoSeconds))
        .isEqualTo(LeaderSilenceWatch.FRESH_POLL_MILLIS)
        .isLessThan(1000);
    // a lease unrenewed for a second, no reading yet, a silence of one second: every 250 ms
    assertThat(LeaderSilenceWatch.periodMillisAfter(Optional.of(stale), twoSeconds))
        .isEqualTo(LeaderSilenceWatch.POLL_MILLIS);
    assertThat(LeaderSilenceWatch.periodMillisAfter(Optional.empty(), twoSeconds))
        .isEqualTo(LeaderSilenceWatch.POLL_MILLIS);
    assertThat(
            LeaderSilenceWatch.periodMillisAfter(
                Optional.of(fresh), Duration.ofSeconds(1).toNanos()))
        .isEqualTo(LeaderSilenceWatch.POLL_MILLIS);
  }
}
