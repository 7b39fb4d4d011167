package io.pgha.core.ha;

import static io.pgha.core.ha.SynchronousReplicationTest.given;
import static io.pgha.core.ha.SynchronousReplicationTest.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ha.SyncStep.SetStandbyNames;
import io.pgha.core.ha.SyncStep.WriteSyncKey;
import io.pgha.core.ha.SynchronousReplicationTest.Case;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The leader's quorum commit decision ({@code synchronous_mode: quorum}), from {@code pg-1}'s side:
 * replicas {@code pg-2} and {@code pg-3}, leader WAL position 5000.
 */
class QuorumReplicationTest {
  private static final String ME = "pg-1";
  private static final long REV = 42;
  private static final long WAL = 5000;

  private static Case quorum() {
    return given().config(c -> c.synchronousMode(SynchronousMode.QUORUM));
  }

  /** The key as the leader last wrote it. */
  private static Case key(Case c, int quorum, String... voters) {
    c.view.sync(new SyncState(Optional.of(ME), List.of(voters), OptionalInt.of(quorum), REV));
    return c;
  }

  /** Listed in ANY k, streaming; confirmed when {@code since} is not past its flush. */
  private static Case listed(Case c, String name, long flush, OptionalLong since) {
    return c.connection(new StandbyConnection(name, "streaming", "quorum", flush, since));
  }

  private static Case confirmed(Case c, String name) {
    return listed(c, name, WAL, OptionalLong.of(WAL));
  }

  private static Case unconfirmed(Case c, String name) {
    return listed(c, name, WAL - 10, OptionalLong.empty());
  }

  private static WriteSyncKey write(int quorum, String... voters) {
    return new WriteSyncKey(
        new SyncState(Optional.of(ME), List.of(voters), OptionalInt.of(quorum), 0), REV);
  }

  private static SetStandbyNames any(int count, String... names) {
    return new SetStandbyNames(StandbyNames.quorum(count, List.of(names)));
  }

  private static StandbyNames anyOf(int count, String... names) {
    return StandbyNames.quorum(count, List.of(names));
  }

  @Test
  void noKeyYet_claimsItPromisingNothingThenNamesAnyOneOfTheStandbys() {
    SyncPlan plan = quorum().async("pg-2", WAL).async("pg-3", WAL).next();

    assertThat(plan.steps())
        .containsExactly(
            new WriteSyncKey(new SyncState(Optional.of(ME), List.of(), OptionalInt.of(0), 0), 0),
            any(1, "pg-2", "pg-3"));
    assertThat(plan.reason())
        .isEqualTo(
            "quorum commit: there is no sync key: sync key no voter -> no voter (no voter"
                + " confirmed yet: no automatic failover until one is); then"
                + " synchronous_standby_names '' -> 'ANY 1 (\"pg-2\",\"pg-3\")'");
  }

  @Test
  void anotherLeadersKeyIsClaimed() {
    Case c = quorum().async("pg-2", WAL);
    c.view.sync(new SyncState(Optional.of("pg-9"), List.of("pg-2"), OptionalInt.of(0), REV));

    assertThat(c.next().steps()).containsExactly(write(0), any(1, "pg-2"));
  }

  @Test
  void untilAStandbyIsConfirmedTheKeyPromisesNothing() {
    Case c = key(quorum(), 0).current(anyOf(1, "pg-2", "pg-3"));
    unconfirmed(c, "pg-2");
    unconfirmed(c, "pg-3");

    SyncPlan plan = c.next();
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.reason())
        .isEqualTo(
            "quorum commit: sync key no voter, synchronous_standby_names 'ANY 1"
                + " (\"pg-2\",\"pg-3\")'; waiting for (pg-2), (pg-3) to confirm every commit");
  }

  @Test
  void oneConfirmedStandbyLetsTheKeyPromiseOneOfTwo() {
    Case c = key(quorum(), 0).current(anyOf(1, "pg-2", "pg-3"));
    confirmed(c, "pg-2");
    unconfirmed(c, "pg-3");

    SyncPlan plan = c.next();
    assertThat(plan.steps()).containsExactly(write(1, "pg-2", "pg-3"));
    assertThat(plan.reason())
        .isEqualTo("quorum commit: sync key no voter -> quorum 1 of (pg-2, pg-3)");
  }

  @Test
  void steadyState() {
    Case c = key(quorum(), 1, "pg-2", "pg-3").current(anyOf(1, "pg-2", "pg-3"));
    confirmed(c, "pg-2");
    confirmed(c, "pg-3");

    SyncPlan plan = c.next();
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.reason())
        .isEqualTo(
            "no action: quorum commit, sync key quorum 1 of (pg-2, pg-3),"
                + " synchronous_standby_names 'ANY 1 (\"pg-2\",\"pg-3\")'");
  }

  @Test
  void aStandbyGone_theKeyFirstStopsPromisingWhatItCannotProveThenTheNamesShrink() {
    // Commits acknowledged by pg-3 alone may be missing on pg-2: pg-2 cannot be promised until
    // it is confirmed under the new setting.
    Case c = key(quorum(), 1, "pg-2", "pg-3").current(anyOf(1, "pg-2", "pg-3"));
    confirmed(c, "pg-2");

    assertThat(c.next().steps()).containsExactly(write(0), any(1, "pg-2"));
  }

  @Test
  void aNewStandbyEntersTheKeyWithTheQuorumRaisedThenTheNames() {
    Case c = key(quorum(), 0, "pg-2").current(anyOf(1, "pg-2"));
    c.view.member(running("pg-4"));
    confirmed(c, "pg-2");
    confirmed(c, "pg-3");
    c.async("pg-4", WAL);

    assertThat(c.next().steps())
        .containsExactly(write(2, "pg-2", "pg-3", "pg-4"), any(1, "pg-2", "pg-3", "pg-4"));
  }

  @Test
  void moreSynchronousNodes_namesFirstThenTheKeyOnceConfirmed() {
    Case more =
        key(quorum().config(c -> c.synchronousNodeCount(2)), 1, "pg-2", "pg-3")
            .current(anyOf(1, "pg-2", "pg-3"));
    confirmed(more, "pg-2");
    confirmed(more, "pg-3");
    assertThat(more.next().steps()).containsExactly(any(2, "pg-2", "pg-3"));

    Case later =
        key(quorum().config(c -> c.synchronousNodeCount(2)), 1, "pg-2", "pg-3")
            .current(anyOf(2, "pg-2", "pg-3"));
    confirmed(later, "pg-2");
    confirmed(later, "pg-3");
    assertThat(later.next().steps()).containsExactly(write(0, "pg-2", "pg-3"));
  }

  @Test
  void fewerSynchronousNodes_theKeyFirstThenTheNames() {
    Case c = key(quorum(), 0, "pg-2", "pg-3").current(anyOf(2, "pg-2", "pg-3"));
    confirmed(c, "pg-2");
    confirmed(c, "pg-3");

    assertThat(c.next().steps()).containsExactly(write(1, "pg-2", "pg-3"), any(1, "pg-2", "pg-3"));
  }

  @Test
  void noStandbyLeft_strictWaitsForAnyNonStrictTurnsAsynchronous() {
    assertThat(key(quorum(), 1, "pg-2", "pg-3").current(anyOf(1, "pg-2", "pg-3")).next().steps())
        .containsExactly(write(0), new SetStandbyNames(StandbyNames.none()));
    assertThat(
            key(quorum().config(c -> c.synchronousModeStrict(true)), 0)
                .current(anyOf(1, "pg-2"))
                .next()
                .steps())
        .containsExactly(new SetStandbyNames(StandbyNames.any()));
  }

  @Test
  void fromPriorityMode_theKeysPromiseCarriesOver() {
    // Written in priority mode (no quorum field): pg-2 has every commit.
    Case c = quorum().naming("pg-2").sync("pg-2", WAL, WAL).async("pg-3", WAL);
    c.view.sync(new SyncState(Optional.of(ME), List.of("pg-2"), OptionalInt.empty(), REV));

    assertThat(c.next().steps()).containsExactly(write(1, "pg-2", "pg-3"), any(1, "pg-2", "pg-3"));
  }

  @Test
  void aNofailoverStandbyOnlyWhenTooFewOthers() {
    Case c = quorum().member("pg-3", Tags.NONE.withNoFailover(true));
    key(c, 0).async("pg-2", WAL).async("pg-3", WAL);
    assertThat(c.next().steps()).containsExactly(any(1, "pg-2"));

    Case alone = quorum().member("pg-3", Tags.NONE.withNoFailover(true));
    key(alone, 0).async("pg-3", WAL);
    assertThat(alone.next().steps()).containsExactly(any(1, "pg-3"));
  }

  @Test
  void beforePromotion_theKeyNamesMeWithNoVoter() {
    SyncPlan plan = key(quorum(), 1, "pg-2", "pg-3").beforePromotion();

    assertThat(plan.steps())
        .containsExactly(
            new WriteSyncKey(new SyncState(Optional.of(ME), List.of(), OptionalInt.of(0), 0), REV),
            new SetStandbyNames(StandbyNames.none()));
  }

  @Test
  void standbyNamesInTheAnyForm() {
    StandbyNames n = anyOf(1, "pg-2", "pg-3");
    assertThat(n.describe()).isEqualTo("'ANY 1 (\"pg-2\",\"pg-3\")'");
    assertThat(n.lists("pg-2")).isTrue();
    assertThat(n.names("pg-2")).as("a commit need not wait for pg-2").isFalse();
    assertThat(anyOf(2, "pg-2", "pg-3").names("pg-2")).isTrue();
    assertThat(n.guaranteedAmong(List.of("pg-2"))).isZero();
    assertThat(n.guaranteedAmong(List.of("pg-2", "pg-3", "pg-4"))).isEqualTo(1);
    assertThat(StandbyNames.of(List.of("pg-2")).guaranteedAmong(List.of("pg-2"))).isEqualTo(1);
    assertThat(StandbyNames.any().guaranteedAmong(List.of("pg-2"))).isZero();
  }
}
