package io.pgha.core.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.ha.SyncStep.ClearSyncKey;
import io.pgha.core.ha.SyncStep.SetStandbyNames;
import io.pgha.core.ha.SyncStep.WriteSyncKey;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The leader's synchronous replication decision, from {@code pg-1}'s side: two replicas {@code
 * pg-2} and {@code pg-3}, leader WAL position 5000.
 */
class SynchronousReplicationTest {
  private static final String ME = "pg-1";
  private static final long REV = 42;
  private static final long WAL = 5000;

  /** The inputs of one decision. */
  static final class Case {
    DynamicConfig.Builder config = DynamicConfig.builder().synchronousMode(SynchronousMode.ON);
    ClusterView.Builder view =
        ClusterView.builder()
            .leader(ME)
            .member(running(ME))
            .member(running("pg-2"))
            .member(running("pg-3"));
    List<StandbyConnection> standbys = new ArrayList<>();
    StandbyNames current = StandbyNames.none();

    Case config(UnaryOperator<DynamicConfig.Builder> change) {
      config = change.apply(config);
      return this;
    }

    Case key(String leader, String... standbys) {
      view.sync(
          new SyncState(Optional.ofNullable(leader), List.of(standbys), OptionalInt.empty(), REV));
      return this;
    }

    Case member(String name, Tags tags) {
      view.member(running(name).toBuilder().tags(tags).build());
      return this;
    }

    Case memberState(String name, String state) {
      view.member(running(name).toBuilder().state(state).build());
      return this;
    }

    Case noMemberKey(String name) {
      view.removeMember(name);
      return this;
    }

    /** Streaming asynchronously, flushed up to {@code flush}. */
    Case async(String name, long flush) {
      standbys.add(new StandbyConnection(name, "streaming", "async", flush, OptionalLong.empty()));
      return this;
    }

    /**
     * Streaming synchronously since the leader was at {@code since}, flushed up to {@code flush}.
     */
    Case sync(String name, long flush, long since) {
      standbys.add(new StandbyConnection(name, "streaming", "sync", flush, OptionalLong.of(since)));
      return this;
    }

    Case connection(StandbyConnection c) {
      standbys.add(c);
      return this;
    }

    Case current(StandbyNames names) {
      current = names;
      return this;
    }

    Case naming(String... names) {
      return current(StandbyNames.of(List.of(names)));
    }

    SyncPlan next() {
      return SynchronousReplication.next(config.build(), ME, view.build(), standbys, WAL, current);
    }

    SyncPlan beforePromotion() {
      return SynchronousReplication.beforePromotion(config.build(), ME, view.build());
    }
  }

  static Case given() {
    return new Case();
  }

  static Member running(String name) {
    return Member.builder(name).state("running").role(Role.REPLICA).timeline(2).build();
  }

  static WriteSyncKey key(String... standbys) {
    return new WriteSyncKey(SyncState.of(ME, List.of(standbys)), REV);
  }

  static SetStandbyNames names(String... names) {
    return new SetStandbyNames(StandbyNames.of(List.of(names)));
  }

  static void assertPlan(SyncPlan plan, String reason, SyncStep... steps) {
    assertThat(plan.steps()).containsExactly(steps);
    assertThat(plan.reason()).isEqualTo(reason);
  }

  @Nested
  class Off {
    private Case off() {
      return given().config(c -> c.synchronousMode(SynchronousMode.OFF));
    }

    @Test
    void nothingToUndo() {
      assertPlan(off().async("pg-2", WAL).next(), "synchronous mode is off");
    }

    @Test
    void deletesTheKeyThenClearsTheNames() {
      assertPlan(
          off().key(ME, "pg-2").naming("pg-2").next(),
          "synchronous mode is off: deleting the sync key and clearing"
              + " synchronous_standby_names",
          new ClearSyncKey(REV),
          new SetStandbyNames(StandbyNames.none()));
    }

    @Test
    void onlyTheKeyLeft() {
      assertPlan(
          off().key(ME).next(),
          "synchronous mode is off: deleting the sync key",
          new ClearSyncKey(REV));
    }

    @Test
    void onlyTheNamesLeft() {
      assertPlan(
          off().current(StandbyNames.any()).next(),
          "synchronous mode is off: clearing synchronous_standby_names",
          new SetStandbyNames(StandbyNames.none()));
    }
  }

  @Nested
  class TheKeyIsClaimedFirst {
    @Test
    void noKeyYet() {
      assertPlan(
          given().async("pg-2", WAL).next(),
          "there is no sync key: writing it with me as the leader and no synchronous standby"
              + " yet, then synchronous_standby_names 'FIRST 1 (\"pg-2\")'",
          new WriteSyncKey(SyncState.of(ME, List.of()), 0),
          names("pg-2"));
    }

    @Test
    void keyOfTheFormerLeaderIsReplacedWithoutItsStandbys() {
      // pg-2 had every commit of pg-3's reign, not necessarily of mine.
      assertPlan(
          given().key("pg-3", "pg-2").sync("pg-2", WAL, 0).naming("pg-2").next(),
          "the sync key belongs to (pg-3): writing it with me as the leader and no synchronous"
              + " standby yet",
          key());
    }

    @Test
    void keyWithoutLeader() {
      assertPlan(
          given().key(null).next(),
          "the sync key names no leader: writing it with me as the leader and no synchronous"
              + " standby yet",
          key());
    }
  }

  @Nested
  class Adding {
    @Test
    void aNewStandbyIsNamedBeforeItIsWrittenToTheKey() {
      assertPlan(
          given().key(ME).async("pg-2", 4000).next(),
          "synchronous_standby_names '' -> 'FIRST 1 (\"pg-2\")': waiting for (pg-2) to become"
              + " synchronous (synchronous_node_count 1)",
          names("pg-2"));
    }

    @Test
    void namedButNotYetSynchronousWaits() {
      assertPlan(
          given().key(ME).async("pg-2", 4000).naming("pg-2").next(),
          "no synchronous standby; waiting for (pg-2) to confirm every commit");
    }

    @Test
    void synchronousButNotYetPastWhereItBecameSoWaits() {
      // Commits acknowledged before it turned synchronous (up to 4500) did not wait for it.
      assertPlan(
          given().key(ME).sync("pg-2", 4400, 4500).naming("pg-2").next(),
          "no synchronous standby; waiting for (pg-2) to confirm every commit");
    }

    @Test
    void synchronousWithoutAKnownStartWaits() {
      assertPlan(
          given()
              .key(ME)
              .connection(
                  new StandbyConnection("pg-2", "streaming", "sync", WAL, OptionalLong.empty()))
              .naming("pg-2")
              .next(),
          "no synchronous standby; waiting for (pg-2) to confirm every commit");
    }

    @Test
    void synchronousAndCaughtUpGoesIntoTheKey() {
      assertPlan(
          given().key(ME).sync("pg-2", 4500, 4500).naming("pg-2").next(),
          "(pg-2) is synchronous and has every acknowledged commit: adding it to the sync key",
          key("pg-2"));
    }

    @Test
    void quorumStateCountsAsSynchronous() {
      assertPlan(
          given()
              .key(ME)
              .connection(
                  new StandbyConnection("pg-2", "streaming", "quorum", WAL, OptionalLong.of(10)))
              .naming("pg-2")
              .next(),
          "(pg-2) is synchronous and has every acknowledged commit: adding it to the sync key",
          key("pg-2"));
    }

    @Test
    void twoAtOnceKeepThePreferenceOrder() {
      assertPlan(
          given()
              .config(c -> c.synchronousNodeCount(2))
              .key(ME)
              .sync("pg-3", WAL, 100)
              .sync("pg-2", WAL - 1, 100)
              .naming("pg-3", "pg-2")
              .next(),
          "(pg-3), (pg-2) are synchronous and have every acknowledged commit: adding them to the"
              + " sync key",
          key("pg-3", "pg-2"));
    }

    @Test
    void aReadyStandbyJoinsTheKeyNextToTheOneListedWhileAnotherStillWaits() {
      Case c =
          given()
              .config(x -> x.synchronousNodeCount(3))
              .member("pg-4", Tags.NONE)
              .key(ME, "pg-2")
              .sync("pg-2", WAL, 1)
              .sync("pg-3", WAL, 1)
              .sync("pg-4", 10, 20)
              .naming("pg-2", "pg-3", "pg-4");
      assertPlan(
          c.next(),
          "(pg-3) is synchronous and has every acknowledged commit: adding it to the sync key",
          key("pg-2", "pg-3"));
    }

    @Test
    void aSecondStandbyJoinsTheOneAlreadyListed() {
      assertPlan(
          given()
              .config(c -> c.synchronousNodeCount(2))
              .key(ME, "pg-2")
              .sync("pg-2", WAL, 100)
              .async("pg-3", WAL)
              .naming("pg-2")
              .next(),
          "synchronous_standby_names 'FIRST 1 (\"pg-2\")' -> 'FIRST 2 (\"pg-2\",\"pg-3\")':"
              + " waiting for (pg-3) to become synchronous (synchronous_node_count 2)",
          names("pg-2", "pg-3"));
    }
  }

  @Nested
  class Steady {
    @Test
    void theSyncStandbyStays() {
      assertPlan(
          given().key(ME, "pg-2").sync("pg-2", WAL, 100).async("pg-3", WAL).naming("pg-2").next(),
          "no action: synchronous standby (pg-2)");
    }

    @Test
    void aMoreAdvancedAsyncReplicaDoesNotDisplaceTheSyncStandby() {
      assertPlan(
          given().key(ME, "pg-3").sync("pg-3", 4000, 100).async("pg-2", WAL).naming("pg-3").next(),
          "no action: synchronous standby (pg-3)");
    }

    @Test
    void strictWithNoStandbyWaits() {
      assertPlan(
          given()
              .config(c -> c.synchronousModeStrict(true))
              .key(ME)
              .current(StandbyNames.any())
              .next(),
          "no synchronous standby: no standby can be synchronous, commits wait (strict)");
    }

    @Test
    void nonStrictWithNoStandbyIsAsynchronous() {
      assertPlan(
          given().key(ME).next(),
          "no synchronous standby: no standby can be synchronous, replicating asynchronously");
    }
  }

  @Nested
  class Removing {
    @Test
    void aDisconnectedSyncStandbyLeavesTheKeyBeforeTheNames() {
      assertPlan(
          given().key(ME, "pg-2").async("pg-3", WAL).naming("pg-2").next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes 'FIRST 1"
              + " (\"pg-3\")': (pg-2) is not connected",
          key(),
          names("pg-3"));
    }

    @Test
    void nonStrictWithNoOtherStandbyTurnsAsynchronousAfterTheKey() {
      assertPlan(
          given().key(ME, "pg-2").naming("pg-2").next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes '': (pg-2)"
              + " is not connected",
          key(),
          new SetStandbyNames(StandbyNames.none()));
    }

    @Test
    void strictWithNoOtherStandbyWaitsForAny() {
      assertPlan(
          given().config(c -> c.synchronousModeStrict(true)).key(ME, "pg-2").naming("pg-2").next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes '*':"
              + " (pg-2) is not connected",
          key(),
          new SetStandbyNames(StandbyNames.any()));
    }

    @Test
    void tagsAndStateMakeAStandbyIneligible() {
      assertThat(removalReason(given().member("pg-2", Tags.NONE.withNoSync(true))))
          .endsWith("(pg-2) is tagged nosync");
      assertThat(removalReason(given().member("pg-2", Tags.NONE.withCustom("x", 1)).config(c -> c)))
          .isNull();
      assertThat(removalReason(given().memberState("pg-2", "stopping")))
          .endsWith("(pg-2) is not running (state stopping)");
      assertThat(removalReason(given().noMemberKey("pg-2")))
          .endsWith("(pg-2) is not a member of the cluster (no member key)");
    }

    @Test
    void syncPriorityZeroIsLikeNosync() {
      Tags zero =
          new Tags(false, 1, false, false, false, 0, Optional.empty(), false, java.util.Map.of());
      assertThat(removalReason(given().member("pg-2", zero))).endsWith("has sync_priority 0");
    }

    @Test
    void aStandbyThatIsNotStreamingLeaves() {
      assertPlan(
          given()
              .key(ME, "pg-2")
              .connection(new StandbyConnection("pg-2", "catchup", "sync", 10, OptionalLong.of(10)))
              .naming("pg-2")
              .next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes '':"
              + " (pg-2) is not streaming (catchup)",
          key(),
          new SetStandbyNames(StandbyNames.none()));
    }

    @Test
    void aStandbyWithoutFlushPositionLeaves() {
      assertThat(
              given()
                  .key(ME, "pg-2")
                  .connection(
                      new StandbyConnection("pg-2", "streaming", "sync", -1, OptionalLong.of(1)))
                  .naming("pg-2")
                  .next()
                  .reason())
          .endsWith("(pg-2) reports no flush position");
    }

    @Test
    void aStandbyListedInTheKeyButNotNamedLeavesTheKeyFirst() {
      // After an agent restart synchronous_standby_names is unknown: the key is narrowed first.
      assertPlan(
          given().key(ME, "pg-2").sync("pg-2", WAL, 1).next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes 'FIRST 1"
              + " (\"pg-2\")': (pg-2) is not named in synchronous_standby_names ''",
          key(),
          names("pg-2"));
    }

    @Test
    void aStandbyBeyondTheNodeCountLeaves() {
      assertPlan(
          given()
              .key(ME, "pg-2", "pg-3")
              .sync("pg-2", WAL, 1)
              .sync("pg-3", WAL, 1)
              .naming("pg-2", "pg-3")
              .next(),
          "removing (pg-3) from the sync key before synchronous_standby_names becomes 'FIRST 1"
              + " (\"pg-2\")': (pg-3) is not among the best synchronous_node_count candidates",
          key("pg-2"),
          names("pg-2"));
    }

    @Test
    void aLaggingSyncStandbyIsSwappedForAHealthyOne() {
      assertPlan(
          given()
              .config(c -> c.maximumLagOnSyncnode(1000))
              .key(ME, "pg-2")
              .sync("pg-2", 1000, 1)
              .async("pg-3", 4900)
              .naming("pg-2")
              .next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes 'FIRST 1"
              + " (\"pg-3\")': (pg-2) lags 3900 bytes, more than maximum_lag_on_syncnode (1000)",
          key(),
          names("pg-3"));
    }

    @Test
    void underRemoteApplyTheReplayPositionIsWhatLags() {
      // basic_replication.feature, "check stuck sync replica": replay paused on the sync standby,
      // synchronous_commit remote_apply; it still flushes every byte, but commits wait for replay.
      assertPlan(
          given()
              .config(
                  c ->
                      c.maximumLagOnSyncnode(1000)
                          .parameters(java.util.Map.of("synchronous_commit", "remote_apply")))
              .key(ME, "pg-2")
              .connection(
                  new StandbyConnection(
                      "pg-2", "streaming", "sync", 4900, OptionalLong.of(1), 1000))
              .async("pg-3", 4900)
              .naming("pg-2")
              .next(),
          "removing (pg-2) from the sync key before synchronous_standby_names becomes 'FIRST 1"
              + " (\"pg-3\")': (pg-2) lags 3900 bytes, more than maximum_lag_on_syncnode (1000)",
          key(),
          names("pg-3"));
    }

    @Test
    void aLoneStandbyLagIsMeasuredFromThePrimary() {
      assertThat(
              given()
                  .config(c -> c.maximumLagOnSyncnode(1000))
                  .key(ME, "pg-2")
                  .sync("pg-2", 3000, 1)
                  .naming("pg-2")
                  .next()
                  .reason())
          .endsWith("(pg-2) lags 2000 bytes, more than maximum_lag_on_syncnode (1000)");
    }

    @Test
    void lagWithinTheLimitKeepsTheStandby() {
      assertPlan(
          given()
              .config(c -> c.maximumLagOnSyncnode(1000))
              .key(ME, "pg-2")
              .sync("pg-2", 4500, 1)
              .naming("pg-2")
              .next(),
          "no action: synchronous standby (pg-2)");
    }

    @Test
    void removingWhenTheNamesAlreadyChanged() {
      // Interrupted after the key write failed last time: the names are already what we want.
      assertPlan(
          given().key(ME, "pg-2").async("pg-3", WAL).naming("pg-3").next(),
          "removing (pg-2) from the sync key: (pg-2) is not connected",
          key());
    }

    private String removalReason(Case c) {
      SyncPlan plan = c.key(ME, "pg-2").sync("pg-2", WAL, 1).naming("pg-2").next();
      return plan.isActive() ? plan.reason() : null;
    }
  }

  @Nested
  class Names {
    /**
     * A member key with a name that would become syntax in synchronous_standby_names (a forged key,
     * or a standby connecting with such an application_name) is never named there.
     */
    @Test
    void aNameThatWouldBecomeSyntaxIsNeverNamed() {
      for (String hostile :
          List.of("pg-9\", \"pg-8", "pg-9')\nrestore_command = 'sh -c x", "pg 9", "pg-9#")) {
        SyncPlan plan =
            given()
                .key(ME)
                .member(hostile, Tags.NONE)
                .async(hostile, WAL)
                .config(c -> c.synchronousModeStrict(true))
                .next();
        assertThat(plan.steps()).containsExactly(new SetStandbyNames(StandbyNames.any()));
        assertThat(plan.reason()).doesNotContain("\n");
      }
    }

    @Test
    void strictWithNoStandbyNamesTheWildcard() {
      assertPlan(
          given().config(c -> c.synchronousModeStrict(true)).key(ME).next(),
          "synchronous_standby_names '' -> '*': no standby can be synchronous and"
              + " synchronous_mode_strict is on, so commits wait for any standby to come back",
          new SetStandbyNames(StandbyNames.any()));
    }

    @Test
    void nonStrictDropsTheWildcard() {
      assertPlan(
          given().key(ME).current(StandbyNames.any()).next(),
          "synchronous_standby_names '*' -> '': no standby can be synchronous: replicating"
              + " asynchronously (no replica may be promoted automatically until one is"
              + " synchronous again)",
          new SetStandbyNames(StandbyNames.none()));
    }

    @Test
    void fewerNamesWhenTheNodeCountDrops() {
      assertPlan(
          given()
              .key(ME, "pg-2")
              .sync("pg-2", WAL, 1)
              .sync("pg-3", WAL, 1)
              .naming("pg-2", "pg-3")
              .next(),
          "synchronous_standby_names 'FIRST 2 (\"pg-2\",\"pg-3\")' -> 'FIRST 1 (\"pg-2\")': fewer"
              + " standbys to wait for",
          names("pg-2"));
    }

    @Test
    void fromTheWildcardToANamedStandby() {
      assertPlan(
          given()
              .config(c -> c.synchronousModeStrict(true))
              .key(ME)
              .sync("pg-3", WAL, 1)
              .current(StandbyNames.any())
              .next(),
          "synchronous_standby_names '*' -> 'FIRST 1 (\"pg-3\")': waiting for (pg-3) to become"
              + " synchronous (synchronous_node_count 1)",
          names("pg-3"));
    }
  }

  @Nested
  class Preference {
    @Test
    void promotableFirstThenSynchronousThenPriorityThenFurthestThenName() {
      Case c =
          given()
              .config(c2 -> c2.synchronousNodeCount(1))
              .key(ME)
              .member("pg-2", Tags.NONE.withNoFailover(true))
              .sync("pg-2", WAL, 1)
              .async("pg-3", 10);
      assertThat(c.next().steps()).containsExactly(names("pg-3"));

      Tags high =
          new Tags(false, 1, false, false, false, 5, Optional.empty(), false, java.util.Map.of());
      assertThat(
              given()
                  .key(ME)
                  .member("pg-3", high)
                  .async("pg-2", WAL)
                  .async("pg-3", 10)
                  .next()
                  .steps())
          .containsExactly(names("pg-3"));
      assertThat(given().key(ME).async("pg-2", 10).async("pg-3", 20).next().steps())
          .containsExactly(names("pg-3"));
      assertThat(given().key(ME).async("pg-3", 20).async("pg-2", 20).next().steps())
          .containsExactly(names("pg-2"));
    }

    @Test
    void myOwnNameAndDuplicateConnectionsAreIgnored() {
      assertThat(
              given()
                  .key(ME)
                  .async(ME, WAL)
                  .async("pg-2", WAL)
                  .connection(
                      new StandbyConnection("pg-2", "startup", "async", -1, OptionalLong.empty()))
                  .next()
                  .steps())
          .containsExactly(names("pg-2"));
    }

    @Test
    void zeroNodeCountStillNamesOne() {
      assertThat(
              given()
                  .config(c -> c.synchronousNodeCount(0))
                  .key(ME)
                  .async("pg-2", WAL)
                  .async("pg-3", WAL)
                  .next()
                  .steps())
          .containsExactly(names("pg-2"));
    }

    @Test
    void aKeyWrittenInQuorumModeIsRewrittenInPriorityMode() {
      // (pg-2, pg-3) with quorum 1 does not say that pg-2 has every commit.
      Case c = given().sync("pg-2", WAL, WAL).naming("pg-2");
      c.view.sync(new SyncState(Optional.of(ME), List.of("pg-2", "pg-3"), OptionalInt.of(1), REV));
      assertThat(c.next().steps()).containsExactly(key());
    }
  }

  @Nested
  class Promotion {
    @Test
    void offDoesNothing() {
      assertPlan(
          given().config(c -> c.synchronousMode(SynchronousMode.OFF)).beforePromotion(),
          "synchronous mode is off");
    }

    @Test
    void claimsTheKeyAloneAndTurnsAsynchronous() {
      assertPlan(
          given().key("pg-2", ME).beforePromotion(),
          "synchronous mode before promoting: naming myself alone in the sync key, with no"
              + " synchronous standby until one has caught up",
          key(),
          new SetStandbyNames(StandbyNames.none()));
    }

    @Test
    void strictAlsoWaitsForAnyStandbyFromTheFirstCommit() {
      assertPlan(
          given().config(c -> c.synchronousModeStrict(true)).beforePromotion(),
          "synchronous mode (strict) before promoting: naming myself alone in the sync key and"
              + " setting synchronous_standby_names '*', so that no commit is acknowledged"
              + " before a standby has it",
          new WriteSyncKey(SyncState.of(ME, List.of()), 0),
          new SetStandbyNames(StandbyNames.any()));
    }

    @Test
    void startingAsPrimaryInStrictModeSetsTheWildcardFirst() {
      DynamicConfig strict =
          DynamicConfig.builder()
              .synchronousMode(SynchronousMode.ON)
              .synchronousModeStrict(true)
              .build();
      assertThat(
              SynchronousReplication.beforeStartingAsPrimary(strict, StandbyNames.none()).steps())
          .containsExactly(new SetStandbyNames(StandbyNames.any()));
      assertThat(
              SynchronousReplication.beforeStartingAsPrimary(
                      strict, StandbyNames.of(List.of("pg-2")))
                  .reason())
          .isEqualTo("synchronous_standby_names stays 'FIRST 1 (\"pg-2\")'");
      assertThat(
              SynchronousReplication.beforeStartingAsPrimary(
                      strict.toBuilder().synchronousModeStrict(false).build(), StandbyNames.none())
                  .isActive())
          .isFalse();
      assertThat(
              SynchronousReplication.beforeStartingAsPrimary(
                      DynamicConfig.defaults(), StandbyNames.none())
                  .isActive())
          .isFalse();
    }
  }

  @Nested
  class Values {
    @Test
    void standbyNames() {
      assertThat(StandbyNames.of(List.of())).isEqualTo(StandbyNames.none());
      assertThat(StandbyNames.any().describe()).isEqualTo("'*'");
      assertThat(StandbyNames.any().isNone()).isFalse();
      assertThatThrownBy(() -> new StandbyNames(true, List.of("a")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("wildcard");
    }

    @Test
    void connections() {
      StandbyConnection c =
          new StandbyConnection("pg-2", "streaming", "potential", 10, OptionalLong.of(5));
      assertThat(c.isSynchronous()).isFalse();
      assertThat(c.hasEveryAcknowledgedCommit()).isFalse();
      assertThat(new StandbyConnection("pg-2", null, null, 10, null).syncSinceLsn()).isEmpty();
      assertThat(
              new StandbyConnection("pg-2", "streaming", "sync", -1, OptionalLong.of(0))
                  .hasEveryAcknowledgedCommit())
          .isFalse();
    }
  }
}
