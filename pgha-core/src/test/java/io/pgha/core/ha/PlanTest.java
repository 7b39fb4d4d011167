package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.CLEAR_FAILOVER_KEY;
import static io.pgha.core.ha.ActionKind.FAILSAFE_KEY;
import static io.pgha.core.ha.ActionKind.HAND_OVER;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.RENEW;
import static io.pgha.core.ha.ActionKind.REPLICATION_SLOTS;
import static io.pgha.core.ha.ActionKind.RESTART_POSTGRES;
import static io.pgha.core.ha.ActionKind.STOP_CLEANLY;
import static io.pgha.core.ha.ActionKind.SYNC_REPLICATION;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.ActionKind.WRITE_MISSING_CONFIG;
import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.NOW;
import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.sec;
import static io.pgha.core.ha.HaDeciderTest.RACE;
import static io.pgha.core.ha.HaDeciderTest.act;
import static io.pgha.core.ha.HaDeciderTest.assertDecision;
import static io.pgha.core.ha.HaDeciderTest.renew;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ha.SyncStep.SetStandbyNames;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the decision holds beyond the HA rules: the promotion's gates, the switchover's fallbacks,
 * the wait for a starting postmaster, the leader's upkeep and when the member key is published.
 */
class PlanTest {

  @Nested
  class PromotionGates {
    @Test
    void aRecentlyCancelledPromotionKeepsTheMemberOutOfTheRaceForALoop() {
      Decision d =
          given()
              .local(
                  l ->
                      l.promotionRefusal(
                          new PromotionRefusal("pre_promote exited 1", NOW - sec(3))))
              .decide();

      assertDecision(
          d,
          "not racing for the leader key this cycle: a promotion was cancelled 3.0s ago"
              + " (pre_promote exited 1)",
          act(WAIT));
    }

    @Test
    void aRefusalOlderThanLoopWaitNoLongerCounts() {
      Decision d =
          given()
              .config(c -> c.loopWait(10))
              .local(l -> l.promotionRefusal(new PromotionRefusal("watchdog", NOW - sec(10))))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aRefusalHoldsBackAManualFailoverCandidateToo() {
      Decision d =
          given()
              .view(v -> v.failover(FailoverRequest.failoverTo(ME)))
              .local(l -> l.promotionRefusal(new PromotionRefusal("watchdog", NOW - sec(1))))
              .decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }

    @Test
    void theGateIsFollowedByGivingTheKeyUpWhenItRefuses() {
      Action gate = given().decide().actions().get(1);

      assertThat(gate).isEqualTo(act(ActionKind.PROMOTION_GATE).otherwise(act(RELEASE_LEADERSHIP)));
    }

    @Test
    void inSynchronousModeTheSyncKeyNamesTheNewLeaderAloneBeforeItPromotes() {
      Decision d =
          given()
              .config(c -> c.synchronousMode(SynchronousMode.ON))
              .view(v -> v.sync(SyncState.of("pg-2", List.of(ME))))
              .decide();

      SyncPlan plan = (SyncPlan) d.actions().get(2).payload().orElseThrow();
      assertThat(plan.steps())
          .containsExactly(
              new SyncStep.WriteSyncKey(SyncState.of(ME, List.of()), 0),
              new SetStandbyNames(StandbyNames.none()));
    }
  }

  @Nested
  class Starting {
    @Test
    void aStartingPostmasterOnTheLeaderIsWaitedFor() {
      Decision d =
          given()
              .leader(ME)
              .down(3)
              .local(l -> l.postmasterStarting(true))
              .config(c -> c.primaryStartTimeout(25))
              .decide();

      assertDecision(
          d,
          "PostgreSQL is starting on the leader: waiting for it to accept connections (down 3.0s,"
              + " primary_start_timeout 25s)",
          renew(),
          act(AWAIT_STARTUP));
    }

    @Test
    void aStartingReplicaIsWaitedFor() {
      Decision d = given().leader("pg-2").down(2).local(l -> l.postmasterStarting(true)).decide();

      assertDecision(
          d,
          "PostgreSQL is starting: waiting for it to accept connections before following (pg-2)",
          act(AWAIT_STARTUP));
    }

    @Test
    void withoutLeaderAStartingPostmasterIsWaitedForBeforeTheRace() {
      Decision d = given().down(1).local(l -> l.postmasterStarting(true)).decide();

      assertDecision(
          d,
          "no leader and PostgreSQL is starting: waiting for it to accept connections before"
              + " joining the race",
          act(AWAIT_STARTUP));
    }

    @Test
    void inStrictModeTheLeaderSetsTheWildcardBeforeStartingAsPrimary() {
      Decision d =
          given()
              .leader(ME)
              .down(3)
              .config(c -> c.synchronousMode(SynchronousMode.ON).synchronousModeStrict(true))
              .decide();

      assertThat(d.actions())
          .containsExactly(
              renew(),
              Action.sync(
                  SynchronousReplication.beforeStartingAsPrimary(strict(), StandbyNames.none())),
              act(RESTART_POSTGRES));
    }

    private io.pgha.patroni.DynamicConfig strict() {
      return io.pgha.patroni.DynamicConfig.builder()
          .synchronousMode(SynchronousMode.ON)
          .synchronousModeStrict(true)
          .build();
    }
  }

  @Nested
  class Switchover {
    private Given leading() {
      return given()
          .primary()
          .leader(ME)
          .local(l -> l.walPosition(5000))
          .peers(PeerPosition.replica("pg-2", 2, 5000))
          .view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2")));
    }

    @Test
    void theHandOverIsUndoneWhenTheCandidateLacksTheCheckpoint() {
      Action handOver =
          leading().decide().actions().stream()
              .filter(a -> a.kind() == HAND_OVER)
              .findFirst()
              .orElseThrow();

      assertThat(handOver.otherwise())
          .extracting(Action::kind)
          .containsExactly(RESTART_POSTGRES, CLEAR_FAILOVER_KEY, ActionKind.END_DRAIN);
    }

    @Test
    void withoutDrainTimeoutNothingIsDrained() {
      Decision d = leading().config(c -> c.drainTimeout(0)).decide();

      assertThat(d.actions())
          .containsExactly(
              act(STOP_CLEANLY),
              act(HAND_OVER, "pg-2").otherwise(act(RESTART_POSTGRES), act(CLEAR_FAILOVER_KEY)),
              act(RELEASE_LEADERSHIP));
      assertThat(d.publication().probedAfter()).isTrue();
    }
  }

  @Nested
  class LeaderUpkeep {
    private Given leading() {
      return given().primary().leader(ME);
    }

    @Test
    void slotsAreCreatedForNewMembersAndDroppedTwoTtlAfterTheirKeyWent() {
      SlotsSeen seen =
          new SlotsSeen(
              java.util.Set.of("pg_2", "pg_3"),
              java.util.Set.of("pg_2", "gone", "recent"),
              Map.of("gone", NOW - sec(61), "recent", NOW - sec(59)));
      Decision d = leading().config(c -> c.ttl(30)).local(l -> l.slots(seen)).decide();

      assertThat(d.actions())
          .containsExactly(
              renew(),
              Action.slots(
                  new SlotPlan(
                      List.of("pg_3"),
                      List.of("gone"),
                      "creating replication slots [pg_3]; dropping replication slots"
                          + " [gone]: no member has used them for two ttl")));
    }

    @Test
    void permanentLogicalSlotsAreCreatedOnTheLeaderWhenMissing() {
      SlotsSeen seen =
          new SlotsSeen(
              java.util.Set.of("pm_1"),
              java.util.Set.of("pm_1"),
              Map.of(),
              java.util.Set.of("present_logical"),
              Map.of());
      Map<String, Object> slots =
          Map.of(
              "pm_1", Map.of("type", "physical"),
              "present_logical", Map.of("database", "postgres", "plugin", "pgoutput"),
              "test_logical", Map.of("database", "app", "plugin", "test_decoding"));
      Decision d =
          leading().config(c -> c.extra(Map.of("slots", slots))).local(l -> l.slots(seen)).decide();

      assertThat(d.actions())
          .containsExactly(
              renew(),
              Action.slots(
                  new SlotPlan(
                      List.of(),
                      List.of(),
                      "creating permanent logical slots [test_logical]",
                      Map.of(
                          "test_logical",
                          new PermanentSlots.LogicalSlot("app", "test_decoding")))));
    }

    @Test
    void withoutUseSlotsNoSlotIsTouched() {
      SlotsSeen seen = new SlotsSeen(java.util.Set.of("pg_2"), java.util.Set.of(), Map.of());
      Decision d = leading().config(c -> c.useSlots(false)).local(l -> l.slots(seen)).decide();

      assertThat(d.actions()).containsExactly(renew());
    }

    @Test
    void theFailsafeKeyFollowsTheMembers() {
      Decision d =
          leading()
              .config(c -> c.failsafeMode(true))
              .view(
                  v ->
                      v.member(Given.member("pg-2").toBuilder().apiUrl("http://b/patroni").build()))
              .decide();

      assertThat(d.actions())
          .containsExactly(
              renew(), Action.failsafeKey(new FailsafeKey(Map.of("pg-2", "http://b/patroni"))));
    }

    @Test
    void aLeftoverFailsafeKeyIsDeletedWhenFailsafeModeIsOff() {
      Decision d = leading().view(v -> v.failsafe(Map.of("pg-2", "http://b"))).decide();

      assertThat(d.actions())
          .containsExactly(renew(), Action.failsafeKey(new FailsafeKey(Map.of())));
    }

    @Test
    void synchronousReplicationIsKeptFromAFreshView() {
      Given sync = leading().config(c -> c.synchronousMode(SynchronousMode.ON));

      assertThat(sync.decide().kinds()).containsExactly(RENEW, SYNC_REPLICATION);
      assertThat(sync.local(l -> l.etcdReadFailed(true)).decide().kinds()).containsExactly(RENEW);
    }

    @Test
    void aRunningPrimaryTakingTheFreeKeyKeepsThemToo() {
      Decision d =
          given()
              .primary()
              .config(c -> c.failsafeMode(true))
              .view(
                  v ->
                      v.member(Given.member("pg-2").toBuilder().apiUrl("http://b/patroni").build()))
              .decide();

      assertThat(d.kinds()).containsExactly(ACQUIRE_LEADER, FAILSAFE_KEY);
    }

    @Test
    void aLeaderThatFindsNoConfigKeyWritesItFirst() {
      // It adopted a data directory (no bootstrap wrote the key), or an operator deleted the key.
      Given noKey = leading().view(v -> v.config(null));

      assertThat(noKey.decide().actions())
          .containsExactly(renew(), Action.of(WRITE_MISSING_CONFIG));
      assertThat(noKey.config(c -> c.synchronousMode(SynchronousMode.ON)).decide().kinds())
          .containsExactly(RENEW, WRITE_MISSING_CONFIG, SYNC_REPLICATION);
    }

    @Test
    void aConfigKeyThatIsThereIsNotWritten() {
      assertThat(leading().decide().actions()).containsExactly(renew());
    }

    @Test
    void aPausedLeaderWritesAMissingConfigKeyToo() {
      // As Patroni's: the leader key's holder writes a missing config key before any pause rule.
      Decision d = leading().paused().view(v -> v.config(null)).decide();

      assertDecision(
          d,
          "PAUSE: no action. I am (pg-1), the leader with the lock",
          renew(),
          act(WRITE_MISSING_CONFIG));
    }

    @Test
    void aPrimaryTakingTheFreeKeyWritesAMissingConfigKey() {
      // The cycle after it claimed the cluster with its data directory (ADOPT_EXISTING_DATA).
      Decision d = given().primary().view(v -> v.config(null)).decide();

      assertThat(d.kinds()).containsExactly(ACQUIRE_LEADER, WRITE_MISSING_CONFIG);
    }

    @Test
    void noMissingConfigKeyIsWrittenByAReplicaALeaderGivingUpOrTheBootstrap() {
      Given noKey = given().view(v -> v.config(null));

      assertThat(noKey.leader("pg-2").local(l -> l.following("pg-2")).decide().kinds())
          .containsExactly(ActionKind.NOTHING);
      assertThat(noKey.leader(ME).down(400).decide().kinds()).containsExactly(RELEASE_LEADERSHIP);
      // The key holder promoting its replica writes it the next cycle, once read-write.
      assertThat(given().view(v -> v.config(null)).leader(ME).decide().kinds())
          .doesNotContain(WRITE_MISSING_CONFIG);
      // The bootstrap writes it in its own last step, which also records the new primary.
      assertThat(
              given()
                  .view(v -> v.config(null).initialize(null))
                  .local(l -> l.dataDirectoryEmpty(true).systemIdentifier(null).running(false))
                  .decide()
                  .kinds())
          .containsExactly(ActionKind.BOOTSTRAP, ACQUIRE_LEADER, ActionKind.WRITE_INITIAL_CONFIG);
    }

    @Test
    void nothingIsKeptByALeaderThatGivesUpOrDoesNotRunReadWrite() {
      Given sync = given().config(c -> c.synchronousMode(SynchronousMode.ON).failsafeMode(true));

      assertThat(sync.leader(ME).down(400).decide().kinds()).containsExactly(RELEASE_LEADERSHIP);
      assertThat(given().leader("pg-2").config(c -> c.failsafeMode(true)).decide().kinds())
          .doesNotContain(FAILSAFE_KEY, REPLICATION_SLOTS, SYNC_REPLICATION);
    }
  }

  @Nested
  class ReplicaUpkeep {
    private final SlotsSeen cascading =
        new SlotsSeen(
            java.util.Set.of("pg_3"), java.util.Set.of("stale"), Map.of("stale", NOW - sec(61)));

    @Test
    void aFollowingReplicaKeepsTheSlotsOfTheMembersCascadingFromIt() {
      Decision d =
          given()
              .leader("pg-2")
              .config(c -> c.ttl(30))
              .local(l -> l.following("pg-2").slots(cascading))
              .decide();

      assertThat(d.actions())
          .containsExactly(
              act(ActionKind.NOTHING),
              Action.slots(
                  new SlotPlan(
                      List.of("pg_3"),
                      List.of("stale"),
                      "creating replication slots [pg_3]; dropping replication slots"
                          + " [stale]: no member has used them for two ttl")));
    }

    @Test
    void aReplicaSwitchingUpstreamKeepsThemToo() {
      Decision d = given().leader("pg-2").local(l -> l.slots(cascading)).decide();

      assertThat(d.kinds()).containsExactly(ActionKind.FOLLOW, REPLICATION_SLOTS);
    }

    @Test
    void noSlotIsTouchedWithoutUseSlotsOrWhileTheRoleChanges() {
      assertThat(
              given()
                  .leader("pg-2")
                  .config(c -> c.useSlots(false))
                  .local(l -> l.following("pg-2").slots(cascading))
                  .decide()
                  .kinds())
          .containsExactly(ActionKind.NOTHING);
      // No leader: the replica races and promotes; the leader's upkeep takes over once it leads.
      assertThat(given().local(l -> l.slots(cascading)).decide().kinds())
          .doesNotContain(REPLICATION_SLOTS);
    }

    private final Map<String, Object> permanentLogical =
        Map.of("test_logical", Map.of("database", "postgres", "plugin", "test_decoding"));

    private Given withPermanentLogical(SlotsSeen seen, Map<String, Long> published) {
      return given()
          .leader("pg-2")
          .config(c -> c.extra(Map.of("slots", permanentLogical)))
          .view(v -> v.status(new ClusterStatus(OptionalLong.of(7000), published, List.of())))
          .local(l -> l.following("pg-2").slots(seen));
    }

    /** The slot action of a replica that only moves or drops logical slots. */
    private Action replicaLogical(
        String reason, Map<String, SlotPlan.LogicalAdvance> advance, List<String> drop) {
      return Action.slots(new SlotPlan(List.of(), List.of(), reason, Map.of(), advance, drop));
    }

    private SlotsSeen logical(Map<String, Long> positions, String... present) {
      return new SlotsSeen(
          java.util.Set.of(),
          java.util.Set.of(),
          Map.of(),
          java.util.Set.of(present),
          positions,
          java.util.Set.of());
    }

    @Test
    void aReplicaCopiesAPermanentLogicalSlotOnceTheLeaderPublishesIt() {
      Decision d = withPermanentLogical(logical(Map.of()), Map.of("test_logical", 5000L)).decide();

      assertThat(d.actions())
          .containsExactly(
              act(ActionKind.NOTHING),
              Action.copyLogicalSlots("pg-2", new LogicalSlotCopy(List.of("test_logical"))));
      assertThat(d.reason())
          .endsWith(
              "; copying permanent logical slots [test_logical] from the leader (pg-2), which"
                  + " restarts PostgreSQL");
      // It restarts PostgreSQL: the member key is published again afterwards.
      assertThat(d.publication().probedAfter()).isTrue();
      // Not before the leader publishes where the slot is.
      assertThat(withPermanentLogical(logical(Map.of()), Map.of()).decide().kinds())
          .containsExactly(ActionKind.NOTHING);
    }

    @Test
    void noCopyWhilePausedWhileSwitchingUpstreamOrByAMemberThatMayNotLead() {
      Map<String, Long> published = Map.of("test_logical", 5000L);

      assertThat(withPermanentLogical(logical(Map.of()), published).paused().decide().kinds())
          .doesNotContain(ActionKind.COPY_LOGICAL_SLOTS);
      assertThat(
              withPermanentLogical(logical(Map.of()), published)
                  .local(l -> l.following("pg-3"))
                  .decide()
                  .kinds())
          .containsExactly(ActionKind.FOLLOW);
      assertThat(
              withPermanentLogical(logical(Map.of()), published)
                  .myTags(io.pgha.patroni.Tags.NONE.withNoFailover(true))
                  .decide()
                  .kinds())
          .containsExactly(ActionKind.NOTHING);
    }

    @Test
    void aCopyIsMovedForwardToThePositionTheLeaderPublishes() {
      Decision behind =
          withPermanentLogical(
                  logical(Map.of("test_logical", 4000L), "test_logical"),
                  Map.of("test_logical", 5000L))
              .decide();
      Decision there =
          withPermanentLogical(
                  logical(Map.of("test_logical", 5000L), "test_logical"),
                  Map.of("test_logical", 5000L))
              .decide();

      assertThat(behind.actions())
          .containsExactly(
              act(ActionKind.NOTHING),
              replicaLogical(
                  "moving permanent logical slots [test_logical] forward",
                  Map.of("test_logical", new SlotPlan.LogicalAdvance("postgres", 5000L)),
                  List.of()));
      assertThat(there.kinds()).containsExactly(ActionKind.NOTHING);
    }

    private Given heardFromTheLeader(long ageSeconds, Map<String, Long> slots) {
      return withPermanentLogical(
              logical(Map.of("test_logical", 4000L), "test_logical"), Map.of("test_logical", 5000L))
          .config(c -> c.extra(Map.of("slots", permanentLogical)).failsafeMode(true))
          .local(l -> l.failsafeContact(new FailsafeContact("pg-2", NOW - sec(ageSeconds), slots)));
    }

    private Action advanceTo(long position) {
      return replicaLogical(
          "moving permanent logical slots [test_logical] forward",
          Map.of("test_logical", new SlotPlan.LogicalAdvance("postgres", position)),
          List.of());
    }

    @Test
    void aFailsafeHeartbeatMovesTheCopyToTheLeadersPositionWhileEtcdIsBehind() {
      assertThat(heardFromTheLeader(1, Map.of("test_logical", 6000L)).decide().actions())
          .containsExactly(act(ActionKind.NOTHING), advanceTo(6000L));
      // An older heartbeat never moves a copy back from what the status key says.
      assertThat(heardFromTheLeader(1, Map.of("test_logical", 4500L)).decide().actions())
          .containsExactly(act(ActionKind.NOTHING), advanceTo(5000L));
      // A heartbeat older than ttl, or failsafe mode off: the status key alone.
      assertThat(heardFromTheLeader(31, Map.of("test_logical", 6000L)).decide().actions())
          .containsExactly(act(ActionKind.NOTHING), advanceTo(5000L));
      assertThat(
              heardFromTheLeader(1, Map.of("test_logical", 6000L))
                  .config(c -> c.failsafeMode(false))
                  .decide()
                  .actions())
          .containsExactly(act(ActionKind.NOTHING), advanceTo(5000L));
    }

    @Test
    void aReplicaWaitingForEtcdMovesItsCopyOnTheLeadersFailsafeHeartbeatOnly() {
      Decision d =
          heardFromTheLeader(1, Map.of("test_logical", 6000L))
              .local(l -> l.viewConfirmedAtNanos(NOW - sec(31)))
              .decide();

      assertThat(d.actions()).containsExactly(act(ActionKind.WAIT), advanceTo(6000L));
      // No fresh heartbeat: nothing is planned from a view older than ttl.
      assertThat(
              heardFromTheLeader(31, Map.of("test_logical", 6000L))
                  .local(l -> l.viewConfirmedAtNanos(NOW - sec(31)))
                  .decide()
                  .actions())
          .containsExactly(act(ActionKind.WAIT));
      // Nothing but the move: no slot is dropped from a view that old.
      assertThat(
              heardFromTheLeader(1, Map.of("test_logical", 4000L))
                  .local(
                      l ->
                          l.viewConfirmedAtNanos(NOW - sec(31))
                              .slots(
                                  new SlotsSeen(
                                      java.util.Set.of(),
                                      java.util.Set.of(),
                                      Map.of(),
                                      java.util.Set.of("test_logical", "stale"),
                                      Map.of("test_logical", 4000L),
                                      java.util.Set.of())))
                  .decide()
                  .actions())
          .containsExactly(act(ActionKind.WAIT), advanceTo(5000L));
    }

    @Test
    void aReplicaDropsTheLogicalSlotsItDoesNotKeepUnlessInUseIgnoredOrPaused() {
      SlotsSeen seen =
          new SlotsSeen(
              java.util.Set.of(),
              java.util.Set.of(),
              Map.of(),
              java.util.Set.of("test_logical", "stale", "in_use"),
              Map.of("test_logical", 5000L),
              java.util.Set.of("in_use"));
      Given replica = withPermanentLogical(seen, Map.of("test_logical", 5000L));

      assertThat(replica.decide().actions())
          .containsExactly(
              act(ActionKind.NOTHING),
              replicaLogical(
                  "dropping logical slots [stale]: not permanent slots kept here",
                  Map.of(),
                  List.of("stale")));
      // A member that may not lead keeps no copy either.
      assertThat(
              withPermanentLogical(seen, Map.of("test_logical", 5000L))
                  .myTags(io.pgha.patroni.Tags.NONE.withNoFailover(true))
                  .decide()
                  .actions())
          .contains(
              replicaLogical(
                  "dropping logical slots [stale, test_logical]: not permanent slots kept"
                      + " here",
                  Map.of(),
                  List.of("stale", "test_logical")));
      assertThat(replica.paused().decide().kinds()).containsExactly(ActionKind.NOTHING);
    }

    @Test
    void nothingToDoNoAction() {
      SlotsSeen settled =
          new SlotsSeen(java.util.Set.of("pg_3"), java.util.Set.of("pg_3"), Map.of());
      Decision d = given().leader("pg-2").local(l -> l.following("pg-2").slots(settled)).decide();

      assertThat(d.kinds()).containsExactly(ActionKind.NOTHING);
    }
  }

  @Nested
  class Publishing {
    @Test
    void aSteadyReplicaPublishesItsObservation() {
      Decision d = given().leader("pg-2").local(l -> l.following("pg-2")).decide();

      assertThat(d.publication()).isEqualTo(Publication.OBSERVED);
    }

    @Test
    void theLeaderWritesItsPositionToTheStatusKeyWhenItMoved() {
      Given leader = given().primary().leader(ME).local(l -> l.walPosition(7000));

      assertThat(leader.decide().publication())
          .isEqualTo(new Publication(true, false, OptionalLong.of(7000)));
      assertThat(leader.view(v -> v.status(ClusterStatus.ofOptime(7000))).decide().publication())
          .isEqualTo(Publication.OBSERVED);
    }

    @Test
    void theLeaderWritesThePermanentSlotsPositionsBesideItsOwn() {
      SlotsSeen seen =
          new SlotsSeen(
              java.util.Set.of("perm_1", "pg_2"),
              java.util.Set.of("perm_1", "pg_2"),
              Map.of(),
              java.util.Set.of("test_logical"),
              Map.of("perm_1", 6000L, "pg_2", 6500L, "test_logical", 5000L));
      Map<String, Object> slots =
          Map.of(
              "perm_1", Map.of(),
              "test_logical", Map.of("database", "postgres", "plugin", "test_decoding"));
      Given leader =
          given()
              .primary()
              .leader(ME)
              .config(c -> c.extra(Map.of("slots", slots)))
              .local(l -> l.walPosition(7000).slots(seen));
      Map<String, Long> positions = Map.of("perm_1", 6000L, "test_logical", 5000L);

      assertThat(leader.decide().publication())
          .isEqualTo(new Publication(true, false, OptionalLong.of(7000), positions));
      // The same optime, but a slot moved: written again.
      assertThat(
              leader
                  .view(v -> v.status(ClusterStatus.ofOptime(7000)))
                  .decide()
                  .publication()
                  .leaderOptime())
          .hasValue(7000);
      assertThat(
              leader
                  .view(
                      v -> v.status(new ClusterStatus(OptionalLong.of(7000), positions, List.of())))
                  .decide()
                  .publication()
                  .leaderOptime())
          .isEmpty();
    }

    @Test
    void actionsThatChangePostgresArePublishedAfterwardsToo() {
      Decision d = given().leader("pg-2").down(2).decide();

      assertThat(d.publication()).isEqualTo(new Publication(true, true, OptionalLong.empty()));
    }

    @Test
    void theRaceForTheKeyComesFirstAndIsPublishedAfterwards() {
      Decision d = given().decide();

      assertThat(d.publication()).isEqualTo(new Publication(false, true, OptionalLong.empty()));
    }
  }
}
