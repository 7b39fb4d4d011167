package io.pgha.core.ha;

import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Who may race for a free leader key in quorum commit mode, seen by {@code pg-1} (a replica at WAL
 * 1000 on timeline 2); the former leader {@code pg-9} is gone.
 */
class QuorumVotesTest {

  private static Given quorum(int quorum, String... voters) {
    return given()
        .config(c -> c.synchronousMode(SynchronousMode.QUORUM))
        .view(
            v ->
                v.member(member("pg-4"))
                    .sync(
                        new SyncState(
                            Optional.of("pg-9"), List.of(voters), OptionalInt.of(quorum), 7)));
  }

  private static boolean races(Given g) {
    return g.decide().kinds().contains(ActionKind.ACQUIRE_LEADER);
  }

  @Test
  void aVoterWithQuorumVotesNotAheadOfItRaces() {
    // Each commit is on one of (pg-1, pg-2): pg-1 and pg-2 together prove it.
    Given g = quorum(1, "pg-1", "pg-2").peers(PeerPosition.replica("pg-2", 2, 900));
    assertThat(races(g)).isTrue();
  }

  @Test
  void anUnreachableVoterMayHoldTheCommit() {
    Decision d = quorum(1, "pg-1", "pg-2").decide();
    assertThat(d.kinds()).doesNotContain(ActionKind.ACQUIRE_LEADER);
    assertThat(d.reason())
        .isEqualTo(
            "no leader, and quorum commit mode: 1 of the sync key's voters (pg-1, pg-2) are known"
                + " not to be ahead of me (pg-1), 2 needed to prove I have every acknowledged"
                + " commit");
  }

  @Test
  void aVoterAheadIsNoVoteAndGoesFirst() {
    Decision d = quorum(1, "pg-1", "pg-2").peers(PeerPosition.replica("pg-2", 2, 1100)).decide();
    assertThat(d.kinds()).doesNotContain(ActionKind.ACQUIRE_LEADER);
  }

  @Test
  void aVoterWithoutAPositionOrRunningAsPrimaryIsNoVote() {
    assertThat(races(quorum(1, "pg-1", "pg-2").peers(PeerPosition.replica("pg-2", 2, 0))))
        .isFalse();
    assertThat(races(quorum(1, "pg-1", "pg-2").peers(new PeerPosition("pg-2", true, 2, 900))))
        .isFalse();
  }

  @Test
  void timelinesAsReportedAreNotCompared() {
    // A replica's reported timeline lags behind the WAL it replays: positions decide.
    assertThat(races(quorum(1, "pg-1", "pg-2").peers(PeerPosition.replica("pg-2", 1, 900))))
        .isTrue();
  }

  @Test
  void aMemberOutsideTheKeyNeverRaces() {
    // Its WAL is not known to be the leader's: its position compares with nothing.
    Decision d =
        quorum(1, "pg-2", "pg-3")
            .peers(PeerPosition.replica("pg-2", 2, 1000), PeerPosition.replica("pg-3", 2, 990))
            .decide();
    assertThat(d.kinds()).doesNotContain(ActionKind.ACQUIRE_LEADER);
    assertThat(d.reason())
        .isEqualTo(
            "no leader, and quorum commit mode and I am not in the sync key, so my WAL is not"
                + " known to be the leader's");
  }

  @Test
  void theFormerLeadersVoteSufficesAlone() {
    // It holds every commit it acknowledged and is not ahead of me.
    Given g = quorum(1, "pg-1", "pg-3").peers(PeerPosition.replica("pg-9", 2, 1000));
    assertThat(races(g.view(v -> v.member(member("pg-9"))))).isTrue();
  }

  @Test
  void theFormerLeaderItselfMayRace() {
    Given g =
        given()
            .config(c -> c.synchronousMode(SynchronousMode.QUORUM))
            .view(
                v ->
                    v.sync(
                        new SyncState(
                            Optional.of("pg-1"), List.of("pg-2", "pg-3"), OptionalInt.of(1), 7)));
    assertThat(races(g)).isTrue();
  }

  @Test
  void aKeyPromisingNothingLetsOnlyItsLeaderRace() {
    // Voters listed with quorum = their number: no commit is promised on any of them.
    Decision d = quorum(2, "pg-1", "pg-2").peers(PeerPosition.replica("pg-2", 2, 900)).decide();
    assertThat(d.kinds()).doesNotContain(ActionKind.ACQUIRE_LEADER);
    assertThat(d.reason())
        .isEqualTo(
            "no leader, and quorum commit mode: the sync key has no confirmed voter, so only its"
                + " leader (pg-9) is known to have every acknowledged commit");
  }

  @Test
  void noSyncKeyNoRace() {
    Decision d = given().config(c -> c.synchronousMode(SynchronousMode.QUORUM)).decide();
    assertThat(d.reason())
        .isEqualTo(
            "no leader, and quorum commit mode and the sync key names no leader, so no member is"
                + " known to have every acknowledged commit");
  }

  @Test
  void aPriorityKeyMakesEachListedStandbyItsOwnProof() {
    // Written in priority mode (no quorum field): pg-1 alone has every commit.
    Given g =
        given()
            .config(c -> c.synchronousMode(SynchronousMode.QUORUM))
            .view(v -> v.sync(SyncState.of("pg-9", List.of("pg-1", "pg-2"))));
    assertThat(races(g)).isTrue();
  }

  @Test
  void inPriorityModeAKeyWithAQuorumProvesNothing() {
    Given g =
        given()
            .config(c -> c.synchronousMode(SynchronousMode.ON))
            .view(
                v ->
                    v.sync(
                        new SyncState(
                            Optional.of("pg-9"), List.of("pg-1", "pg-2"), OptionalInt.of(1), 7)));
    assertThat(races(g)).isFalse();
  }
}
