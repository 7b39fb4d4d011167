package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.ADOPT_EXISTING_DATA;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP;
import static io.pgha.core.ha.ActionKind.CLEAR_FAILOVER_KEY;
import static io.pgha.core.ha.ActionKind.CLONE_FROM;
import static io.pgha.core.ha.ActionKind.DECIDE_AGAIN;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.NOTHING;
import static io.pgha.core.ha.ActionKind.PROMOTE;
import static io.pgha.core.ha.ActionKind.PROMOTION_GATE;
import static io.pgha.core.ha.ActionKind.REINITIALIZE;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.RESTART_POSTGRES;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.member;
import static io.pgha.core.ha.Given.sec;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HaDeciderTest {

  private static final Tags NOFAILOVER = Tags.NONE.withNoFailover(true);

  static void assertDecision(Decision decision, String reason, Action... actions) {
    assertThat(decision.actions()).containsExactly(actions);
    assertThat(decision.reason()).isEqualTo(reason);
  }

  static Action act(ActionKind kind) {
    return Action.of(kind);
  }

  /** The leader key renewed, demoting at once when etcd does not confirm it. */
  static Action renew() {
    return Action.renew();
  }

  /** A replica racing for the free key and promoting (asynchronous replication). */
  static final ActionKind[] RACE = {ACQUIRE_LEADER, PROMOTION_GATE, PROMOTE, DECIDE_AGAIN};

  /** The same in synchronous mode: the sync key names the new leader alone before it promotes. */
  static final ActionKind[] SYNC_RACE = {
    ACQUIRE_LEADER, PROMOTION_GATE, ActionKind.SYNC_REPLICATION, PROMOTE, DECIDE_AGAIN
  };

  /** A replica racing for the free key and promoting, as actions. */
  static Action[] race() {
    return new Action[] {
      act(ACQUIRE_LEADER),
      act(PROMOTION_GATE).otherwise(act(RELEASE_LEADERSHIP)),
      act(PROMOTE),
      act(DECIDE_AGAIN)
    };
  }

  /** The hand-over to {@code candidate}, with the default drain. */
  static Action[] switchoverTo(String candidate) {
    return new Action[] {
      act(ActionKind.DRAIN_CLIENTS, candidate),
      act(ActionKind.STOP_CLEANLY).otherwise(act(ActionKind.END_DRAIN)),
      act(ActionKind.HAND_OVER, candidate)
          .otherwise(
              act(RESTART_POSTGRES), act(ActionKind.CLEAR_FAILOVER_KEY), act(ActionKind.END_DRAIN)),
      act(RELEASE_LEADERSHIP).otherwise(act(ActionKind.END_DRAIN)),
      act(ActionKind.END_DRAIN_ONCE_LED, candidate)
    };
  }

  static Action act(ActionKind kind, String member) {
    return Action.of(kind, member);
  }

  @Nested
  class Lease {
    @Test
    void leaderWhoseLeaseDeadlinePassedDemotesAtOnce() {
      Decision d =
          given()
              .primary()
              .leader(ME)
              .local(l -> l.leaseDeadlineNanos(Given.NOW - sec(2)))
              .decide();

      assertDecision(
          d,
          "demoting self at once: my leader lease was not renewed before its deadline (2.0s ago),"
              + " so another member may take over",
          act(DEMOTE));
    }

    @Test
    void theDeadlineInstantItselfIsTooLate() {
      Decision d =
          given().primary().leader(ME).local(l -> l.leaseDeadlineNanos(Given.NOW)).decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void aPrimaryWithoutTheKeyDemotesWhenItsLeaseExpiredEvenIfTheViewSaysOtherwise() {
      Decision d =
          given().primary().leader("pg-2").local(l -> l.leaseDeadlineNanos(Given.NOW - 1)).decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void aPrimaryWithoutAnyLeaseDemotesAtOnce() {
      Decision d = given().primary().leader(ME).local(LocalState.Builder::noLease).decide();

      assertDecision(
          d,
          "demoting self at once: PostgreSQL runs read-write but I hold no etcd lease",
          act(DEMOTE));
    }

    @Test
    void withoutALeaseNobodyRacesForAFreeKey() {
      assertDecision(
          given().local(LocalState.Builder::noLease).decide(),
          "no leader, but I hold no live lease to race with: waiting for etcd",
          act(WAIT));
      assertThat(given().local(l -> l.leaseDeadlineNanos(Given.NOW)).decide().kinds())
          .containsExactly(WAIT);
    }

    @Test
    void pausedLeaderWithExpiredLeaseKeepsRunningAndTriesToRenew() {
      Decision d =
          given()
              .primary()
              .paused()
              .leader(ME)
              .local(l -> l.leaseDeadlineNanos(Given.NOW - sec(1)))
              .decide();

      assertDecision(
          d, "PAUSE: I hold no live lease; not demoting while paused, trying to renew it", renew());
    }

    @Test
    void leaderKeyInViewButExpiredLeaseAndReplicaDoesNotPromote() {
      Decision d = given().leader(ME).local(l -> l.leaseDeadlineNanos(Given.NOW - 1)).decide();

      assertDecision(
          d, "I hold no live lease: not acting as leader until etcd confirms it again", act(WAIT));
    }
  }

  @Nested
  class StaleView {
    private Given frozen() {
      // ttl 30 s by default; the view was last confirmed 31 s ago (a GC pause, SIGSTOP).
      return given().local(l -> l.viewConfirmedAtNanos(Given.NOW - sec(31)));
    }

    @Test
    void aFrozenLeaderWakesUpPastItsDeadlineAndDemotes() {
      Decision d =
          frozen()
              .primary()
              .leader(ME)
              .local(l -> l.leaseDeadlineNanos(Given.NOW - sec(20)))
              .decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void aFrozenReplicaThatSeesNoLeaderDoesNotRace() {
      Decision d = frozen().decide();

      assertDecision(
          d,
          "my view of etcd is 31.0s old (more than ttl 30s): waiting for fresh cluster state"
              + " before acting",
          act(WAIT));
    }

    @Test
    void aPrimaryWithALiveLeaseKeepsItsRoleWhileTheViewIsStale() {
      Decision d = frozen().primary().leader(ME).decide();

      assertDecision(
          d,
          "my view of etcd is 31.0s old (more than ttl 30s): keeping the primary role while my"
              + " lease is valid, waiting for fresh state",
          act(WAIT));
    }

    @Test
    void aPrimaryWithoutAnyLeaseAndAStaleViewDemotes() {
      Decision d = frozen().primary().local(LocalState.Builder::noLease).decide();

      assertDecision(
          d,
          "demoting self at once: PostgreSQL runs read-write but I hold no etcd lease",
          act(DEMOTE));
    }

    @Test
    void pausedPrimaryWithoutLeaseWaits() {
      Decision d = frozen().primary().paused().local(LocalState.Builder::noLease).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }

    @Test
    void aViewExactlyOneTtlOldIsStillUsable() {
      Decision d = given().local(l -> l.viewConfirmedAtNanos(Given.NOW - sec(30))).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void bootstrapWaitsForFreshState() {
      Decision d =
          frozen()
              .local(l -> l.dataDirectoryEmpty(true).running(false))
              .view(v -> v.initialize(null))
              .decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }
  }

  @Nested
  class Bootstrap {
    private Given empty() {
      return given()
          .local(l -> l.dataDirectoryEmpty(true).systemIdentifier(null).running(false))
          .view(v -> v.initialize(null));
    }

    @Test
    void everyEligibleMemberOfANewClusterRacesToBootstrap() {
      for (String name : List.of("pg-1", "pg-2", "pg-3")) {
        Decision d = empty().me(MemberIdentity.named(name)).decide();

        assertDecision(
            d,
            "the cluster is not initialized: racing to bootstrap it",
            act(BOOTSTRAP),
            act(ACQUIRE_LEADER).otherwise(act(DEMOTE)),
            act(ActionKind.WRITE_INITIAL_CONFIG));
      }
    }

    @Test
    void aNofailoverMemberLeavesBootstrapToOthers() {
      Decision d = empty().myTags(NOFAILOVER).decide();

      assertDecision(
          d,
          "the cluster is not initialized and I may not be promoted (nofailover): waiting for"
              + " another member to bootstrap it",
          act(WAIT));
    }

    @Test
    void theLosersCloneFromTheWinner() {
      Decision d = empty().view(v -> v.initialize(Given.SYSID)).leader("pg-2").decide();

      assertDecision(
          d,
          "I have no data directory: cloning from the leader (pg-2)",
          act(CLONE_FROM, "pg-2"),
          act(START_AS_REPLICA, "pg-2"));
    }

    @Test
    void aLeaderWithoutInitializeKeyIsStillClonedFrom() {
      Decision d = empty().leader("pg-3").decide();

      assertThat(d.actions())
          .containsExactly(act(CLONE_FROM, "pg-3"), act(START_AS_REPLICA, "pg-3"));
    }

    @Test
    void aRunningMemberTaggedClonefromIsPreferredTheMostAdvancedOne() {
      Tags cloneFrom = new Tags(false, 1, false, true, false, 1, Optional.empty(), false, null);
      Decision d =
          empty()
              .view(v -> v.initialize(Given.SYSID).member(member("pg-2", cloneFrom)))
              .view(v -> v.member(member("pg-3", cloneFrom)).member(member("pg-4", cloneFrom)))
              .view(v -> v.member(member("pg-5", cloneFrom).toBuilder().state("stopped").build()))
              .leader("pg-4")
              .peers(
                  PeerPosition.replica("pg-2", 2, 500),
                  PeerPosition.replica("pg-3", 2, 900),
                  PeerPosition.replica("pg-5", 2, 999))
              .decide();

      assertDecision(
          d,
          "I have no data directory: cloning from (pg-3), a running member tagged clonefrom",
          act(CLONE_FROM, "pg-3"),
          act(START_AS_REPLICA, "pg-4"));
    }

    @Test
    void aRunningMemberTaggedClonefromIsClonedFromWhenPeersWereNotProbed() {
      // With a leader the loop does not probe the peers: the member keys are enough, as in
      // Patroni (cascading_replication.feature).
      Tags cloneFrom = new Tags(false, 1, false, true, false, 1, Optional.empty(), false, null);
      Decision d =
          empty()
              .view(v -> v.initialize(Given.SYSID).member(member("pg-2", cloneFrom)))
              .view(v -> v.member(member("pg-3", cloneFrom).toBuilder().state("stopped").build()))
              .view(v -> v.member(member("pg-4")))
              .leader("pg-4")
              .decide();

      assertDecision(
          d,
          "I have no data directory: cloning from (pg-2), a running member tagged clonefrom",
          act(CLONE_FROM, "pg-2"),
          act(START_AS_REPLICA, "pg-4"));
    }

    @Test
    void withoutLeaderTheMostAdvancedAnsweringMemberIsClonedFrom() {
      Decision d =
          empty()
              .view(v -> v.initialize(Given.SYSID).member(member("pg-4")))
              .peers(
                  PeerPosition.replica("pg-2", 2, 700),
                  PeerPosition.replica("pg-3", 2, 800),
                  PeerPosition.replica("pg-9", 2, 900))
              .decide();

      assertDecision(
          d,
          "I have no data directory: cloning from (pg-3), the most advanced member, as there is no"
              + " leader",
          act(CLONE_FROM, "pg-3"),
          act(START_AS_REPLICA, "pg-3"));
    }

    @Test
    void aKeyHolderThatLostItsDataClonesFromAnotherMember() {
      Decision d =
          empty()
              .view(v -> v.initialize(Given.SYSID))
              .leader(ME)
              .peers(PeerPosition.replica("pg-2", 2, 700))
              .decide();

      assertThat(d.actions())
          .containsExactly(act(CLONE_FROM, "pg-2"), act(START_AS_REPLICA, "pg-2"));
    }

    @Test
    void withNobodyToCloneFromItWaits() {
      Decision d = empty().view(v -> v.initialize(Given.SYSID)).decide();

      assertDecision(
          d,
          "I have no data directory and there is no leader or running member to clone from:"
              + " waiting",
          act(WAIT));
    }

    /** This member has a replica method that works without a leader (Patroni's no_leader). */
    private Given restoring(Given g) {
      return g.me(new MemberIdentity(ME, Tags.NONE, false, true));
    }

    private static final Action START_AS_REPLICA_OF_NO_ONE =
        new Action(START_AS_REPLICA, Optional.empty(), Optional.empty(), List.of());

    @Test
    void withoutLeaderANoLeaderMethodRestoresAndStartsAsAReplicaOfNoOne() {
      Decision d = restoring(empty()).view(v -> v.initialize(Given.SYSID)).decide();

      assertDecision(
          d,
          "I have no data directory and there is no leader: creating a replica with the replica"
              + " methods that need no leader (no_leader)",
          act(ActionKind.CLONE_WITHOUT_LEADER),
          START_AS_REPLICA_OF_NO_ONE);
    }

    @Test
    void withALeaderANoLeaderMethodIsOnlyOneOfTheMethodsTriedOnIt() {
      Decision d = restoring(empty()).view(v -> v.initialize(Given.SYSID)).leader("pg-2").decide();

      assertThat(d.actions())
          .containsExactly(act(CLONE_FROM, "pg-2"), act(START_AS_REPLICA, "pg-2"));
    }

    @Test
    void withoutLeaderARunningMemberIsStillClonedFromBeforeABackupIsRestored() {
      Decision d =
          restoring(empty())
              .view(v -> v.initialize(Given.SYSID))
              .peers(PeerPosition.replica("pg-2", 2, 700))
              .decide();

      assertThat(d.actions())
          .containsExactly(act(CLONE_FROM, "pg-2"), act(START_AS_REPLICA, "pg-2"));
    }

    @Test
    void whileAnotherMemberBootstrapsTheClusterANoLeaderMethodWaits() {
      Decision d = restoring(empty()).view(v -> v.initialize("")).decide();

      assertDecision(
          d,
          "I have no data directory and there is no leader or running member to clone from:"
              + " waiting",
          act(WAIT));
    }

    @Test
    void aNofailoverMemberOfANewClusterRestoresWithANoLeaderMethod() {
      Decision d = empty().me(new MemberIdentity(ME, NOFAILOVER, false, true)).decide();

      assertDecision(
          d,
          "the cluster is not initialized and I may not be promoted (nofailover): creating a"
              + " replica with the replica methods that need no leader (no_leader)",
          act(ActionKind.CLONE_WITHOUT_LEADER),
          START_AS_REPLICA_OF_NO_ONE);
    }

    @Test
    void inAStandbyClusterWithoutStandbyLeaderANoLeaderMethodWaits() {
      Decision d =
          restoring(empty())
              .view(v -> v.initialize(Given.SYSID))
              .config(
                  c ->
                      c.extra(
                          java.util.Map.of(
                              io.pgha.core.config.StandbyCluster.KEY,
                              java.util.Map.of("host", "remote", "port", 5432))))
              .decide();

      assertThat(d.actions()).containsExactly(act(WAIT));
    }
  }

  @Nested
  class ExistingData {
    @Test
    void dataOfAnotherClusterIsNeverJoined() {
      Decision d = given().local(l -> l.systemIdentifier("42")).leader("pg-2").decide();

      assertDecision(
          d,
          "my data directory belongs to another cluster (system identifier 42, the cluster's is "
              + Given.SYSID
              + "): not joining; move it away to let this member be cloned",
          act(WAIT));
    }

    @Test
    void anInitializeKeyWithoutIdentifierYetIsNotAMismatch() {
      Decision d =
          given()
              .view(v -> v.initialize(""))
              .leader("pg-2")
              .local(l -> l.following("pg-2"))
              .decide();

      assertThat(d.kinds()).containsExactly(NOTHING);
    }

    @Test
    void anUnknownSystemIdentifierIsNotAMismatch() {
      Decision d =
          given().local(l -> l.systemIdentifier(null).following("pg-2")).leader("pg-2").decide();

      assertThat(d.kinds()).containsExactly(NOTHING);
    }

    @Test
    void anUninitializedClusterIsClaimedWithExistingData() {
      Decision d = given().view(v -> v.initialize(null)).decide();

      assertDecision(
          d,
          "the cluster is not initialized and I have a data directory (system identifier "
              + Given.SYSID
              + "): claiming the cluster with it",
          act(ADOPT_EXISTING_DATA));
    }

    @Test
    void anUnknownIdentifierIsSaidSo() {
      Decision d =
          given().view(v -> v.initialize(null)).local(l -> l.systemIdentifier(null)).decide();

      assertThat(d.reason()).contains("(system identifier unknown)");
    }

    @Test
    void aClusterWithALeaderButNoInitializeKeyIsJoinedNormally() {
      Decision d =
          given()
              .view(v -> v.initialize(null))
              .leader("pg-2")
              .local(l -> l.following("pg-2"))
              .decide();

      assertThat(d.kinds()).containsExactly(NOTHING);
    }

    @Test
    void aNofailoverMemberDoesNotClaimTheCluster() {
      Decision d = given().view(v -> v.initialize(null)).myTags(NOFAILOVER).decide();

      assertDecision(
          d,
          "the cluster is not initialized and I may not be promoted (nofailover): waiting for"
              + " another member to initialize it",
          act(WAIT));
    }
  }

  @Nested
  class Leading {
    @Test
    void theLeaderRenews() {
      Decision d = given().primary().leader(ME).decide();

      assertDecision(d, "no action. I am (pg-1), the leader with the lock", renew());
      assertThat(d.isActive()).isTrue();
    }

    @Test
    void aPrimaryThatCannotArmItsRequiredWatchdogDemotesAndReleasesTheKey() {
      PromotionRefusal unarmed =
          new PromotionRefusal(
              "watchdog device /dev/watchdog is unusable: it cannot be opened for writing"
                  + " (watchdog.mode required)",
              Given.NOW - sec(1));

      Decision d = given().primary().leader(ME).local(l -> l.promotionRefusal(unarmed)).decide();
      Decision paused =
          given().primary().paused().leader(ME).local(l -> l.promotionRefusal(unarmed)).decide();

      assertDecision(
          d,
          "demoting self and releasing the leader key: the fencing checks refuse this primary"
              + " (watchdog device /dev/watchdog is unusable: it cannot be opened for writing"
              + " (watchdog.mode required))",
          act(DEMOTE),
          act(RELEASE_LEADERSHIP));
      assertDecision(paused, "PAUSE: no action. I am (pg-1), the leader with the lock", renew());
    }

    @Test
    void thePausedLeaderRenews() {
      Decision d = given().primary().paused().leader(ME).decide();

      assertDecision(d, "PAUSE: no action. I am (pg-1), the leader with the lock", renew());
    }

    @Test
    void aKeyHolderWithoutLeaseNeitherPromotesNorRenews() {
      Decision d = given().leader(ME).local(LocalState.Builder::noLease).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }

    @Test
    void theKeyHolderPromotesItsReplica() {
      Decision d = given().leader(ME).decide();

      assertDecision(
          d,
          "promoting self: I hold the leader key and PostgreSQL runs as a replica",
          renew(),
          act(PROMOTION_GATE).otherwise(act(RELEASE_LEADERSHIP)),
          act(PROMOTE),
          act(DECIDE_AGAIN));
    }

    @Test
    void pausedKeyHolderDemotedByHandReleasesTheKeyInsteadOfPromoting() {
      Decision d = given().leader(ME).paused().decide();

      assertDecision(
          d,
          "PAUSE: I hold the leader key but PostgreSQL runs as a replica (demoted by hand):"
              + " releasing the key rather than promoting it back",
          act(RELEASE_LEADERSHIP));
    }

    @Test
    void crashedPrimaryIsRestartedInPlaceWithinPrimaryStartTimeout() {
      Decision d = given().leader(ME).down(3).config(c -> c.primaryStartTimeout(25)).decide();

      assertDecision(
          d,
          "PostgreSQL is not running on the leader: restarting it in place (down 3.0s,"
              + " primary_start_timeout 25s)",
          renew(),
          act(RESTART_POSTGRES));
    }

    @Test
    void stoppedPrimaryWithUnknownDowntimeIsStarted() {
      Decision d = given().leader(ME).local(l -> l.running(false)).decide();

      assertThat(d.kinds()).containsExactly(ActionKind.RENEW, RESTART_POSTGRES);
      assertThat(d.reason()).contains("down 0.0s");
    }

    @Test
    void crashedPrimaryThatDoesNotComeBackReleasesLeadership() {
      Decision d = given().leader(ME).down(25).config(c -> c.primaryStartTimeout(25)).decide();

      assertDecision(
          d,
          "PostgreSQL did not come back within primary_start_timeout (25s): releasing the leader"
              + " key so that a replica can take over",
          act(RELEASE_LEADERSHIP));
    }

    @Test
    void zeroPrimaryStartTimeoutReleasesAtOnce() {
      Decision d = given().leader(ME).down(0).config(c -> c.primaryStartTimeout(0)).decide();

      assertThat(d.kinds()).containsExactly(RELEASE_LEADERSHIP);
    }

    @Test
    void pausedLeaderDoesNotRestartCrashedPostgres() {
      Decision d = given().leader(ME).down(600).paused().decide();

      assertDecision(
          d,
          "PAUSE: I hold the leader key but PostgreSQL is not running; not restarting it while"
              + " paused",
          renew());
    }
  }

  @Nested
  class Following {
    @Test
    void aReplicaFollowingTheLeaderDoesNothing() {
      Decision d = given().leader("pg-2").local(l -> l.following("pg-2")).decide();

      assertDecision(
          d, "no action. I am (pg-1), a secondary, and following a leader (pg-2)", act(NOTHING));
      assertThat(d.isActive()).isFalse();
    }

    @Test
    void aReplicaFollowingAStaleLeaderFollowsTheNewOne() {
      Decision d = given().leader("pg-2").local(l -> l.following("pg-3")).decide();

      assertDecision(
          d, "following (pg-2) instead of (pg-3)", Action.follow("pg-2", UpstreamRole.LEADER));
    }

    @Test
    void aReplicaFollowingNoOneFollowsTheLeader() {
      Decision d = given().leader("pg-2").decide();

      assertDecision(
          d, "following (pg-2) instead of no one", Action.follow("pg-2", UpstreamRole.LEADER));
    }

    @Test
    void replicatefromCascadesFromARunningMember() {
      Tags cascade = new Tags(false, 1, false, false, false, 1, Optional.of("pg-3"), false, null);

      Decision d = given().myTags(cascade).leader("pg-2").decide();
      assertThat(d.actions()).containsExactly(Action.follow("pg-3", UpstreamRole.CASCADE));

      Decision settled =
          given().myTags(cascade).leader("pg-2").local(l -> l.following("pg-3")).decide();
      assertDecision(
          settled,
          "no action. I am (pg-1), a secondary, and following (pg-3) while (pg-2) leads",
          act(NOTHING));
    }

    @Test
    void replicatefromFallsBackToTheLeaderWhenThatMemberIsDownOrMe() {
      Tags cascadeDown =
          new Tags(false, 1, false, false, false, 1, Optional.of("pg-3"), false, null);
      Decision d =
          given()
              .myTags(cascadeDown)
              .view(v -> v.member(member("pg-3").toBuilder().state("stopped").build()))
              .leader("pg-2")
              .decide();
      assertThat(d.actions()).containsExactly(Action.follow("pg-2", UpstreamRole.LEADER));

      Tags cascadeMe = new Tags(false, 1, false, false, false, 1, Optional.of(ME), false, null);
      assertThat(given().myTags(cascadeMe).leader("pg-2").decide().actions())
          .containsExactly(Action.follow("pg-2", UpstreamRole.LEADER));

      Tags cascadeGone =
          new Tags(false, 1, false, false, false, 1, Optional.of("pg-9"), false, null);
      assertThat(given().myTags(cascadeGone).leader("pg-2").decide().actions())
          .containsExactly(Action.follow("pg-2", UpstreamRole.LEADER));
    }

    @Test
    void aNostreamMemberFollowsTheLeaderEvenIfTaggedReplicatefrom() {
      // It streams from no one; following the leader decides the timeline it replays from the
      // archive, and PostgreSQL gets no primary_conninfo.
      Tags nostream = new Tags(false, 1, false, false, false, 1, Optional.of("pg-3"), true, null);

      assertThat(given().myTags(nostream).leader("pg-2").decide().actions())
          .containsExactly(Action.follow("pg-2", UpstreamRole.LEADER));
    }

    @Test
    void pausedReplicaKeepsItsUpstream() {
      Decision d = given().leader("pg-2").paused().local(l -> l.following("pg-3")).decide();

      assertDecision(d, "PAUSE: not switching replication to (pg-2) while paused", act(NOTHING));
    }

    @Test
    void anOldPrimaryBackAfterFailoverRewindsAndFollows() {
      Decision d = given().primary().leader("pg-2").decide();

      assertDecision(
          d,
          "demoting self because (pg-2) holds the leader key: rejoining as a replica of (pg-2),"
              + " rewinding if our histories diverged",
          Action.rewindAndFollow("pg-2", Rejoin.demoting("(pg-2) holds the leader key")));
    }

    @Test
    void aStoppedOldPrimaryRewindsBeforeStarting() {
      Decision d = given().leader("pg-2").down(5).local(l -> l.lastRunAsPrimary(true)).decide();

      assertDecision(
          d,
          "my data directory was last used by a primary: rejoining as a replica of (pg-2),"
              + " rewinding if our histories diverged",
          Action.rewindAndFollow("pg-2", Rejoin.OF_STOPPED_SERVER));
    }

    @Test
    void afterAFailedRewindItReclonesWhenAllowed() {
      Decision d =
          given()
              .me(new MemberIdentity(ME, Tags.NONE, true))
              .leader("pg-2")
              .down(5)
              .local(l -> l.rejoinFailed(true))
              .decide();

      assertDecision(
          d,
          "my data directory was last used by a primary: pg_rewind failed before, so re-cloning"
              + " from (pg-2)",
          act(REINITIALIZE, "pg-2"),
          act(START_AS_REPLICA, "pg-2"));
    }

    @Test
    void afterAFailedRewindItWaitsForAnOperatorWhenRecloningIsNotAllowed() {
      Decision d = given().leader("pg-2").down(5).local(l -> l.rejoinFailed(true)).decide();

      assertDecision(
          d,
          "my data directory was last used by a primary: pg_rewind failed before and"
              + " remove_data_directory_on_rewind_failure is off; reinitialize this member by hand",
          act(WAIT));
    }

    @Test
    void aPrimaryThatCannotRejoinStillStopsAcceptingWrites() {
      Decision d = given().primary().leader("pg-2").local(l -> l.rejoinFailed(true)).decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void pausedOldPrimaryIsLeftAlone() {
      Decision d = given().primary().paused().leader("pg-2").decide();

      assertDecision(
          d,
          "PAUSE: PostgreSQL runs read-write although (pg-2) holds the leader key; not demoting"
              + " while paused",
          act(NOTHING));
    }

    @Test
    void aFailedReplicaStartsAgainAsAReplica() {
      Decision d = given().leader("pg-2").down(2).decide();

      assertDecision(d, "starting as a replica of (pg-2)", act(START_AS_REPLICA, "pg-2"));
    }

    @Test
    void aStoppedStandbyOnTheLeadersTimelineStartsAsAReplica() {
      Decision d =
          given()
              .leader("pg-2")
              .view(v -> v.member(member("pg-2")))
              .down(2)
              .local(l -> l.stoppedTimeline(2))
              .decide();

      assertDecision(d, "starting as a replica of (pg-2)", act(START_AS_REPLICA, "pg-2"));
    }

    /** Stopped on timeline 2 while (pg-2), whose member key says timeline 3, leads. */
    private Given stoppedBehindTheLeader() {
      return given()
          .leader("pg-2")
          .view(v -> v.member(member("pg-2").toBuilder().timeline(3).build()))
          .down(2)
          .local(l -> l.stoppedTimeline(2));
    }

    @Test
    void aStoppedStandbyBehindTheLeadersTimelineChecksItsHistoryBeforeStarting() {
      HistoryEntry switched = new HistoryEntry(2, 500, "failover", null, Optional.of("pg-2"));
      Decision fromHistory =
          given()
              .leader("pg-2")
              .view(v -> v.history(List.of(switched)))
              .down(2)
              .local(l -> l.stoppedTimeline(2))
              .decide();

      // The leader's timeline from its member key, or else from the history key.
      for (Decision d : List.of(stoppedBehindTheLeader().decide(), fromHistory)) {
        assertDecision(
            d,
            "my data directory is on timeline 2, behind the leader's timeline 3: rejoining as a"
                + " replica of (pg-2), rewinding if our histories diverged",
            Action.rewindAndFollow("pg-2", Rejoin.OF_STOPPED_SERVER));
      }
    }

    @Test
    void aStoppedStandbyWhoseRewindFailedReclonesWhenAllowedElseWaits() {
      Given failed = stoppedBehindTheLeader().local(l -> l.rejoinFailed(true));

      assertThat(failed.me(new MemberIdentity(ME, Tags.NONE, true)).decide().actions())
          .containsExactly(act(REINITIALIZE, "pg-2"), act(START_AS_REPLICA, "pg-2"));
      assertThat(stoppedBehindTheLeader().local(l -> l.rejoinFailed(true)).decide().kinds())
          .containsExactly(WAIT);
    }

    @Test
    void aStartingStandbyBehindTheLeadersTimelineIsAwaited() {
      Decision d =
          stoppedBehindTheLeader()
              .local(l -> l.stoppedTimeline(0).postmasterStarting(true))
              .decide();

      assertThat(d.kinds()).containsExactly(AWAIT_STARTUP);
    }

    @Test
    void pausedStoppedReplicaStaysStopped() {
      Decision d = given().leader("pg-2").down(2).paused().decide();

      assertDecision(
          d, "PAUSE: PostgreSQL is not running; not starting it while paused", act(NOTHING));
    }
  }

  /**
   * {@code patronictl remove} deleted every key, the leader key with them, while this member led on
   * a lease still confirmed alive ({@link VacatedLeaderKey}).
   */
  @Nested
  class LeaderKeyDeleted {
    private Given vacated() {
      return given().primary().local(l -> l.leaderKeyVacatedUntilNanos(Given.NOW + sec(5)));
    }

    @Test
    void theRunningPrimaryCreatesItsKeyAgainAndDemotesOnlyIfThatFails() {
      Decision d = vacated().decide();

      assertDecision(
          d,
          "my leader key was deleted (not taken by another member) and my lease is confirmed"
              + " alive for 5.0s: creating the key again on it, only if still absent, and staying"
              + " primary",
          act(ACQUIRE_LEADER).otherwise(act(DEMOTE)));
    }

    @Test
    void itDoesSoEvenWhenAReplicaLooksAsFarAheadWithAHigherPriority() {
      // As Patroni's leader, which is the healthiest member while it runs read-write.
      Decision d =
          vacated()
              .view(v -> v.member(member("pg-2", Tags.NONE.withFailoverPriority(5))))
              .peers(PeerPosition.replica("pg-2", 2, 1000))
              .decide();

      assertThat(d.kinds()).containsExactly(ACQUIRE_LEADER);
      assertThat(d.actions().get(0).otherwise()).containsExactly(act(DEMOTE));
    }

    @Test
    void afterPatronictlRemoveItWritesTheConfigAndInitializeKeysBackAsLeader() {
      Decision d = vacated().view(v -> ClusterView.builder()).decide();

      assertThat(d.actions())
          .containsExactly(
              act(ACQUIRE_LEADER).otherwise(act(DEMOTE)),
              act(ActionKind.WRITE_MISSING_CONFIG),
              act(ADOPT_EXISTING_DATA));
    }

    @Test
    void stillAbsentAtTheLeaseDeadlineItHadThenItDemotes() {
      Decision d =
          given().primary().local(l -> l.leaderKeyVacatedUntilNanos(Given.NOW - sec(1))).decide();

      assertDecision(
          d,
          "demoting self at once: my leader key was deleted and is still absent 1.0s after the"
              + " lease deadline it had then",
          act(DEMOTE));
    }

    @Test
    void aLeaseNotConfirmedAliveDemotesFirst() {
      Decision d = vacated().local(l -> l.leaseDeadlineNanos(Given.NOW - 1)).decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void aKeyTakenByAnotherMemberIsFollowedAfterADemotion() {
      Decision d = vacated().leader("pg-2").decide();

      assertThat(d.kinds()).doesNotContain(ACQUIRE_LEADER, ActionKind.RENEW);
      assertThat(d.kinds()).containsExactly(ActionKind.REWIND_AND_FOLLOW);
    }

    @Test
    void aMemberNotRunningReadWriteFollowsTheUsualRules() {
      Decision d =
          given()
              .local(l -> l.leaderKeyVacatedUntilNanos(Given.NOW + sec(5)))
              .peers(PeerPosition.replica("pg-2", 2, 900))
              .decide();

      assertDecision(
          d,
          "the leader key is free and I am the healthiest member: acquiring it and promoting",
          race());
    }

    @Test
    void pausedThePrimaryTakesTheFreeKeyAsBeforeWithoutADemotionInThePlan() {
      Decision d = vacated().paused().decide();

      assertDecision(
          d,
          "PAUSE: the leader key is free and PostgreSQL already runs read-write here: taking the"
              + " key",
          act(ACQUIRE_LEADER));
    }

    @Test
    void aPrimaryTaggedNofailoverGivesTheKeyUpAsBefore() {
      Decision d = vacated().myTags(NOFAILOVER).decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void theLeaderWritesAMissingInitializeKeyWithItsSystemIdentifier() {
      Decision d = given().primary().leader(ME).view(v -> v.initialize(null)).decide();

      assertThat(d.actions()).containsExactly(renew(), act(ADOPT_EXISTING_DATA));
    }
  }

  @Nested
  class Election {
    @Test
    void theHealthiestReplicaAcquiresAndPromotes() {
      Decision d =
          given()
              .peers(PeerPosition.replica("pg-2", 2, 900), PeerPosition.replica("pg-3", 2, 1000))
              .decide();

      assertDecision(
          d,
          "the leader key is free and I am the healthiest member: acquiring it and promoting",
          race());
    }

    @Test
    void aRunningPrimaryWithoutKeyTakesItWhenHealthiest() {
      Decision d = given().primary().decide();

      assertDecision(
          d,
          "the leader key is free and I am the healthiest member: taking it as the running"
              + " primary",
          act(ACQUIRE_LEADER));
    }

    @Test
    void aRunningPrimaryWithoutKeyDemotesWhenNotHealthiest() {
      Decision d = given().primary().peers(PeerPosition.replica("pg-2", 2, 2000)).decide();

      assertDecision(
          d,
          "demoting self: the leader key is free but (pg-2) is ahead of me (2000 > 1000)",
          act(DEMOTE));
    }

    @Test
    void noRaceWhileAPrimaryAnswersEvenWithoutItsMemberKey() {
      // patronictl remove deleted the member keys too: the loop asked the last leader's members.
      Decision d =
          given()
              .view(v -> ClusterView.builder().initialize(Given.SYSID).member(member(ME)))
              .peers(new PeerPosition("pg-2", true, 2, 1000))
              .decide();

      assertDecision(d, "no leader, and (pg-2) still runs as primary", act(WAIT));
    }

    @Test
    void aStoppedMemberStartsReadOnlyBeforeRacing() {
      Decision d = given().down(1).decide();

      assertDecision(
          d,
          "no leader and PostgreSQL is not running: starting it read-only before joining the race",
          act(START_AS_REPLICA));
    }

    @Test
    void nofailoverNeverRaces() {
      Decision d = given().myTags(NOFAILOVER).decide();

      assertDecision(
          d, "no leader, and I may not be promoted (nofailover or failover_priority 0)", act(WAIT));
    }

    @Test
    void failoverPriorityZeroNeverRaces() {
      Decision d = given().myTags(Tags.NONE.withFailoverPriority(0)).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }

    @Test
    void aLaggingReplicaIsNotPromoted() {
      Decision d =
          given()
              .view(v -> v.status(ClusterStatus.ofOptime(1000 + 1_048_577)))
              .local(l -> l.walPosition(1000))
              .decide();

      assertDecision(
          d,
          "no leader, and my WAL position (1000) is 1048577 bytes behind the last known leader"
              + " position (1049577), more than maximum_lag_on_failover (1048576)",
          act(WAIT));
    }

    @Test
    void aReplicaWithinTheLagBoundIsPromoted() {
      Decision d = given().view(v -> v.status(ClusterStatus.ofOptime(1000 + 1_048_576))).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aStatusWithoutOptimeDoesNotBlock() {
      Decision d =
          given()
              .view(v -> v.status(new ClusterStatus(null, null, null)))
              .config(c -> c.maximumLagOnFailover(0))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void synchronousModeOnlyPromotesTheSyncStandby() {
      Given sync = given().config(c -> c.synchronousMode(SynchronousMode.ON));

      assertDecision(
          sync.decide(),
          "no leader, and synchronous mode is on and I am not a synchronous standby, so I may"
              + " lack acknowledged commits",
          act(WAIT));
      assertThat(sync.view(v -> v.sync(SyncState.of("pg-2", List.of("pg-3")))).decide().kinds())
          .containsExactly(WAIT);
      assertThat(sync.view(v -> v.sync(SyncState.of("pg-2", List.of(ME)))).decide().kinds())
          .containsExactly(SYNC_RACE);
    }

    @Test
    void aSynchronousStandbyBehindTheLastOptimeIsStillPromoted() {
      // The optime may include WAL that no synchronous standby confirmed: never acknowledged.
      Decision d =
          given()
              .config(c -> c.synchronousMode(SynchronousMode.ON).maximumLagOnFailover(0))
              .view(v -> v.sync(SyncState.of("pg-2", List.of(ME))))
              .view(v -> v.status(ClusterStatus.ofOptime(1500)))
              .decide();

      assertThat(d.kinds()).containsExactly(SYNC_RACE);
    }

    @Test
    void inSynchronousModeOnlyTheSyncSetIsComparedWith() {
      // pg-3 (asynchronous) received WAL that no synchronous standby confirmed: never
      // acknowledged, and pg-3 cannot win anyway, so the sync standby does not wait for it.
      Given sync =
          given()
              .config(c -> c.synchronousMode(SynchronousMode.ON))
              .view(v -> v.sync(SyncState.of("pg-2", List.of(ME))))
              .peers(PeerPosition.replica("pg-2", 2, 5000), PeerPosition.replica("pg-3", 2, 2000));

      assertThat(sync.decide().kinds()).containsExactly(SYNC_RACE);
      assertDecision(
          sync.view(v -> v.sync(SyncState.of("pg-2", List.of(ME, "pg-3")))).decide(),
          "no leader, and (pg-3) is ahead of me (2000 > 1000)",
          act(WAIT));
    }

    @Test
    void checkTimelineKeepsAMemberOnAnOldTimelineOut() {
      HistoryEntry switched = new HistoryEntry(2, 500, "failover", null, Optional.of("pg-2"));
      Given behind = given().view(v -> v.history(List.of(switched)));

      assertThat(behind.decide().kinds()).containsExactly(RACE);
      assertDecision(
          behind.config(c -> c.checkTimeline(true)).decide(),
          "no leader, and my timeline (2) is behind the cluster's (3)",
          act(WAIT));
    }

    @Test
    void aMoreAdvancedEligiblePeerGoesFirst() {
      Decision d = given().peers(PeerPosition.replica("pg-3", 2, 1001)).decide();

      assertDecision(d, "no leader, and (pg-3) is ahead of me (1001 > 1000)", act(WAIT));
    }

    @Test
    void aMoreAdvancedPeerThatMayNotBePromotedDoesNotBlock() {
      Decision d =
          given()
              .view(v -> v.member(member("pg-3", NOFAILOVER)))
              .peers(PeerPosition.replica("pg-3", 2, 5000))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void unreachablePeersAndStrangersAreNotCompared() {
      Decision d =
          given()
              .view(v -> v.removeMember("pg-3"))
              .peers(PeerPosition.replica("pg-3", 2, 5000))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aPeerStillRunningAsPrimaryBlocksTheRace() {
      Decision d = given().peers(new PeerPosition("pg-2", true, 2, 10)).decide();

      assertDecision(d, "no leader, and (pg-2) still runs as primary", act(WAIT));
    }

    @Test
    void atEqualPositionsTheHigherFailoverPriorityGoesFirst() {
      Decision d =
          given()
              .view(v -> v.member(member("pg-2", Tags.NONE.withFailoverPriority(5))))
              .peers(PeerPosition.replica("pg-2", 2, 1000))
              .decide();

      assertDecision(
          d,
          "no leader, and (pg-2) is as far as I am and has a higher failover_priority (5 > 1)",
          act(WAIT));
    }

    @Test
    void aLowerFailoverPriorityFurtherAheadStillGoesFirst() {
      Decision d =
          given()
              .myTags(Tags.NONE.withFailoverPriority(5))
              .peers(PeerPosition.replica("pg-2", 2, 1001))
              .decide();

      assertDecision(d, "no leader, and (pg-2) is ahead of me (1001 > 1000)", act(WAIT));
    }

    @Test
    void aHigherFailoverPriorityBehindMeDoesNotHoldMeBack() {
      Decision d =
          given()
              .view(v -> v.member(member("pg-2", Tags.NONE.withFailoverPriority(5))))
              .peers(PeerPosition.replica("pg-2", 2, 999))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aPeerThatMayNotBePromotedDoesNotHoldMeBackWhateverItsPosition() {
      Decision d =
          given()
              .view(v -> v.member(member("pg-2", Tags.NONE.withFailoverPriority(0))))
              .peers(PeerPosition.replica("pg-2", 2, 5000))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aNostreamMemberMayRaceLikeAnyOther() {
      Tags nostream = new Tags(false, 1, false, false, false, 1, Optional.empty(), true, null);

      assertThat(given().myTags(nostream).decide().kinds()).containsExactly(RACE);
    }

    @Test
    void twoEqualCandidatesBothRaceAndEtcdPicksOne() {
      Decision d = given().peers(PeerPosition.replica("pg-2", 2, 1000)).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void withCheckTimelineAPeerOnALaterTimelineGoesFirst() {
      Given later = given().peers(PeerPosition.replica("pg-2", 3, 10));
      Given sameTimelineAhead =
          given().config(c -> c.checkTimeline(true)).peers(PeerPosition.replica("pg-2", 2, 1001));

      assertThat(sameTimelineAhead.decide().reason())
          .isEqualTo("no leader, and (pg-2) is ahead of me (1001 > 1000)");

      assertThat(later.decide().kinds()).containsExactly(RACE);
      assertDecision(
          later.config(c -> c.checkTimeline(true)).decide(),
          "no leader, and (pg-2) is on a later timeline (3 > 2)",
          act(WAIT));
    }

    @Test
    void pausedClusterDoesNotRace() {
      assertDecision(
          given().paused().decide(),
          "PAUSE: no leader; not racing for leadership while paused",
          act(NOTHING));
    }

    @Test
    void pausedRunningPrimaryTakesTheFreeKey() {
      assertDecision(
          given().paused().primary().decide(),
          "PAUSE: the leader key is free and PostgreSQL already runs read-write here: taking the"
              + " key",
          act(ACQUIRE_LEADER));
    }
  }

  @Nested
  class SwitchoverOnTheLeader {
    private Given leading() {
      return given().primary().leader(ME).local(l -> l.walPosition(5000));
    }

    @Test
    void aRequestForAnotherLeaderIsCleared() {
      Decision d =
          leading().view(v -> v.failover(FailoverRequest.switchover("pg-2", null))).decide();

      assertDecision(
          d,
          "clearing the failover key: it asks to move leadership away from (pg-2), but I am the"
              + " leader",
          renew(),
          act(CLEAR_FAILOVER_KEY));
    }

    @Test
    void aFulfilledRequestIsCleared() {
      Decision d = leading().view(v -> v.failover(FailoverRequest.failoverTo(ME))).decide();

      assertDecision(
          d,
          "clearing the failover key: I am the leader it asks for",
          renew(),
          act(CLEAR_FAILOVER_KEY));
    }

    @Test
    void aScheduledSwitchoverWaitsForItsTime() {
      OffsetDateTime at = OffsetDateTime.of(2026, 11, 26, 12, 30, 0, 0, ZoneOffset.UTC);
      Given scheduled =
          leading()
              .view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2").at(at)))
              .peers(PeerPosition.replica("pg-2", 2, 5000));

      assertDecision(
          scheduled.decide(),
          "no action. I am (pg-1), the leader with the lock; switchover scheduled at"
              + " 2026-11-26T12:30Z",
          renew());
      assertThat(scheduled.wall(at.toInstant()).decide().actions())
          .containsExactly(switchoverTo("pg-2"));
    }

    @Test
    void whilePausedOnlyAnImmediateSwitchoverToANamedMemberIsCarriedOut() {
      OffsetDateTime at = OffsetDateTime.of(2026, 11, 26, 12, 30, 0, 0, ZoneOffset.UTC);
      Given paused = leading().paused().peers(PeerPosition.replica("pg-2", 2, 5000));
      String refused =
          "PAUSE: only a switchover to a named member, now, is possible while paused; clearing the"
              + " request";

      assertDecision(
          paused.view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2").at(at))).decide(),
          refused,
          renew(),
          act(CLEAR_FAILOVER_KEY));
      assertDecision(
          paused.view(v -> v.failover(FailoverRequest.switchover(ME, null))).decide(),
          refused,
          renew(),
          act(CLEAR_FAILOVER_KEY));
      // Carried out as usual, and then (as Patroni's graceful demotion) the old primary follows
      // the candidate at once: paused, nothing would start it again later.
      Action[] usual = switchoverTo("pg-2");
      assertThat(
              paused
                  .view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2")))
                  .decide()
                  .actions())
          .containsExactly(
              usual[0], usual[1], usual[2], usual[3], act(START_AS_REPLICA, "pg-2"), usual[4]);
    }

    @Test
    void aSwitchoverToAHealthyCandidateHandsOver() {
      Decision d =
          leading()
              .view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2")))
              .peers(PeerPosition.replica("pg-2", 2, 5000))
              .decide();

      assertDecision(
          d, "switchover requested: handing leadership over to (pg-2)", switchoverTo("pg-2"));
    }

    @Test
    void aSynchronousStandbyBehindUnderWriteLoadMayTakeOverInASwitchover() {
      Decision d =
          leading()
              .config(c -> c.synchronousMode(SynchronousMode.ON).maximumLagOnFailover(0))
              .view(
                  v ->
                      v.sync(SyncState.of(ME, List.of("pg-2")))
                          .failover(FailoverRequest.switchover(ME, "pg-2")))
              .peers(PeerPosition.replica("pg-2", 2, 4000))
              .decide();

      assertDecision(
          d, "switchover requested: handing leadership over to (pg-2)", switchoverTo("pg-2"));
    }

    @Test
    void anImpossibleSwitchoverIsRefusedWithItsReason() {
      record Case(Given given, String problem) {}
      List<Case> cases =
          List.of(
              new Case(
                  leading().view(v -> v.removeMember("pg-2")),
                  "(pg-2) is not a member of the cluster"),
              new Case(leading(), "(pg-2) did not answer"),
              new Case(
                  leading().peers(new PeerPosition("pg-2", true, 2, 5000)),
                  "(pg-2) runs as primary"),
              new Case(
                  leading()
                      .view(v -> v.member(member("pg-2", NOFAILOVER)))
                      .peers(PeerPosition.replica("pg-2", 2, 5000)),
                  "(pg-2) may not be promoted (nofailover)"),
              new Case(
                  leading()
                      .config(c -> c.maximumLagOnFailover(100))
                      .peers(PeerPosition.replica("pg-2", 2, 4899)),
                  "(pg-2) is 101 bytes behind, more than maximum_lag_on_failover (100)"),
              new Case(
                  leading()
                      .config(c -> c.synchronousMode(SynchronousMode.ON))
                      .view(v -> v.sync(SyncState.of(ME, List.of("pg-3"))))
                      .peers(PeerPosition.replica("pg-2", 2, 5000)),
                  "(pg-2) is not a synchronous standby"),
              new Case(
                  leading()
                      .config(c -> c.synchronousMode(SynchronousMode.ON))
                      .peers(PeerPosition.replica("pg-2", 2, 5000)),
                  "(pg-2) is not a synchronous standby"),
              new Case(
                  leading()
                      .config(c -> c.checkTimeline(true))
                      .peers(PeerPosition.replica("pg-2", 1, 5000)),
                  "(pg-2) is on an earlier timeline (1 < 2)"));
      for (Case c : cases) {
        Decision d =
            c.given().view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2"))).decide();

        // In synchronous mode the leader's upkeep (the sync key) follows.
        assertThat(d.actions()).startsWith(renew(), act(CLEAR_FAILOVER_KEY));
        assertThat(d.reason())
            .isEqualTo("switchover to (pg-2) is not possible: " + c.problem() + "; clearing it");
      }
    }

    @Test
    void theSyncStandbyAndASameTimelineReplicaAreAcceptable() {
      Decision d =
          leading()
              .config(c -> c.synchronousMode(SynchronousMode.ON).checkTimeline(true))
              .view(v -> v.sync(SyncState.of(ME, List.of("pg-2"))))
              .view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2")))
              .peers(PeerPosition.replica("pg-2", 2, 5000))
              .decide();

      assertThat(d.actions()).containsExactly(switchoverTo("pg-2"));
    }

    @Test
    void aSwitchoverToTheBestPicksTheMostAdvancedThenTheHighestPriority() {
      Given toBest =
          leading()
              .view(v -> v.failover(FailoverRequest.switchover(ME, null)))
              .view(v -> v.member(member("pg-3", Tags.NONE.withFailoverPriority(3))));

      Decision ahead =
          toBest
              .peers(PeerPosition.replica("pg-2", 2, 4990), PeerPosition.replica("pg-3", 2, 4980))
              .decide();
      assertDecision(
          ahead,
          "switchover requested: handing leadership over to the most advanced healthy member"
              + " (pg-2)",
          switchoverTo("pg-2"));

      Decision tie =
          toBest
              .peers(PeerPosition.replica("pg-2", 2, 4990), PeerPosition.replica("pg-3", 2, 4990))
              .decide();
      assertThat(tie.actions()).containsExactly(switchoverTo("pg-3"));
    }

    @Test
    void aSwitchoverWithoutHealthyCandidateIsRefused() {
      Decision d = leading().view(v -> v.failover(FailoverRequest.switchover(ME, null))).decide();

      assertDecision(
          d,
          "switchover is not possible: no member is a healthy candidate (answering replica that"
              + " may be promoted, within maximum_lag_on_failover, synchronous when synchronous"
              + " mode is on); clearing it",
          renew(),
          act(CLEAR_FAILOVER_KEY));
    }
  }

  @Nested
  class FailoverWithoutLeader {
    @Test
    void theRequestedCandidatePromotesEvenWhenLagging() {
      Decision d =
          given()
              .view(v -> v.failover(FailoverRequest.failoverTo(ME)))
              .view(v -> v.status(ClusterStatus.ofOptime(1_000_000_000)))
              .peers(PeerPosition.replica("pg-2", 2, 999_999_999))
              .decide();

      assertDecision(
          d,
          "manual failover: I am the requested candidate; acquiring the leader key and promoting",
          race());
    }

    @Test
    void theCandidateOfASwitchoverWhoseLeaderVanishedRespectsTheLagBound() {
      Given lagging =
          given()
              .view(v -> v.failover(FailoverRequest.switchover("pg-3", ME)))
              .view(v -> v.status(ClusterStatus.ofOptime(1000 + 1_048_577)));

      assertDecision(
          lagging.decide(),
          "no leader, and my WAL position (1000) is 1048577 bytes behind the last known leader"
              + " position (1049577), more than maximum_lag_on_failover (1048576)",
          act(WAIT));
      assertThat(lagging.local(l -> l.walPosition(1001)).decide().reason())
          .startsWith("manual failover: I am the requested candidate");
    }

    @Test
    void aScheduledRequestIsNoForcedFailoverEither() {
      Decision d =
          given()
              .view(v -> v.failover(FailoverRequest.failoverTo(ME).at(OffsetDateTime.MAX)))
              .view(v -> v.status(ClusterStatus.ofOptime(1000 + 1_048_577)))
              .decide();

      assertThat(d.kinds()).containsExactly(WAIT);
      assertThat(d.reason()).contains("more than maximum_lag_on_failover");
    }

    @Test
    void othersLeaveTheKeyToASwitchoverCandidateOnlyWithinTheLagBound() {
      Given toPg2 =
          given()
              .view(v -> v.failover(FailoverRequest.switchover("pg-3", "pg-2")))
              .view(v -> v.status(ClusterStatus.ofOptime(1000 + 1_048_577)))
              .local(l -> l.walPosition(1000 + 1_048_577));

      assertThat(toPg2.peers(PeerPosition.replica("pg-2", 2, 1000)).decide().kinds())
          .containsExactly(RACE);
      assertDecision(
          toPg2.peers(PeerPosition.replica("pg-2", 2, 1001)).decide(),
          "failover to (pg-2) in progress: leaving the leader key to the candidate",
          act(WAIT));
    }

    @Test
    void manualFailoverWorksWhilePaused() {
      Decision d = given().paused().view(v -> v.failover(FailoverRequest.failoverTo(ME))).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aStoppedCandidateStartsFirst() {
      Decision d = given().down(1).view(v -> v.failover(FailoverRequest.failoverTo(ME))).decide();

      assertThat(d.kinds()).containsExactly(START_AS_REPLICA);
    }

    @Test
    void aNofailoverCandidateIsTreatedAsAnyMember() {
      Decision d =
          given().myTags(NOFAILOVER).view(v -> v.failover(FailoverRequest.failoverTo(ME))).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
      assertThat(d.reason()).contains("nofailover");
    }

    @Test
    void othersLeaveTheKeyToAnAnsweringCandidate() {
      Given toPg2 =
          given()
              .view(v -> v.failover(FailoverRequest.failoverTo("pg-2")))
              .peers(PeerPosition.replica("pg-2", 2, 10));

      assertDecision(
          toPg2.decide(),
          "failover to (pg-2) in progress: leaving the leader key to the candidate",
          act(WAIT));
      assertThat(toPg2.primary().decide().kinds()).containsExactly(DEMOTE);
      assertThat(toPg2.paused().decide().kinds()).containsExactly(WAIT);
    }

    @Test
    void anUnreachableOrIneligibleCandidateFallsBackToTheElection() {
      Decision unreachable =
          given().view(v -> v.failover(FailoverRequest.failoverTo("pg-2"))).decide();
      assertThat(unreachable.kinds()).containsExactly(RACE);

      Decision ineligible =
          given()
              .view(v -> v.failover(FailoverRequest.failoverTo("pg-2")))
              .view(v -> v.member(member("pg-2", NOFAILOVER)))
              .peers(PeerPosition.replica("pg-2", 2, 10))
              .decide();
      assertThat(ineligible.kinds()).containsExactly(RACE);
    }

    @Test
    void theMemberSwitchedAwayFromDoesNotTakeTheKeyBack() {
      Given oldLeader =
          given()
              .local(l -> l.walPosition(5000))
              .view(v -> v.failover(FailoverRequest.switchover(ME, null)));

      assertDecision(
          oldLeader.peers(PeerPosition.replica("pg-2", 2, 4000)).decide(),
          "switchover away from me in progress: leaving the leader key to the candidate",
          act(WAIT));
    }

    @Test
    void theMemberSwitchedAwayFromTakesTheKeyBackWhenNobodyElseCan() {
      Member primaryPeer = member("pg-2");
      Decision nobody =
          given()
              .view(v -> v.failover(FailoverRequest.switchover(ME, null)).member(primaryPeer))
              .view(v -> v.member(member("pg-3", NOFAILOVER)))
              .peers(new PeerPosition("pg-9", false, 2, 1), PeerPosition.replica("pg-3", 2, 1))
              .decide();

      assertThat(nobody.kinds()).containsExactly(RACE);
    }

    @Test
    void aSwitchoverAwayFromAnotherMemberLeavesTheNormalElection() {
      Decision d =
          given()
              .view(v -> v.failover(FailoverRequest.switchover("pg-3", null)))
              .peers(PeerPosition.replica("pg-2", 2, 10), new PeerPosition("pg-3", true, 2, 10))
              .decide();

      assertThat(d.reason()).isEqualTo("no leader, and (pg-3) still runs as primary");
    }

    @Test
    void aPrimaryPeerDoesNotCountAsSomeoneElseWhoCouldTakeOver() {
      Decision d =
          given()
              .view(v -> v.failover(FailoverRequest.switchover(ME, null)))
              .peers(new PeerPosition("pg-2", true, 2, 10))
              .decide();

      assertThat(d.reason()).isEqualTo("no leader, and (pg-2) still runs as primary");
    }
  }

  /** A synchronous standby that sees the leader's lease silent takes over before it expires. */
  @Nested
  class FastTakeoverFromASilentLeader {
    static final long LEASE = 77;
    static final long LEADER_REVISION = 50;
    static final long SYNC_REVISION = 60;

    /** Synchronous mode, ttl 10, loop_wait 2; pg-2 leads on lease 77; we are its sync standby. */
    Given silentFor(double seconds) {
      return given()
          .config(c -> c.synchronousMode(SynchronousMode.ON).ttl(10).loopWait(2))
          .view(
              v ->
                  v.leader(new io.pgha.patroni.Leader("pg-2", 1, LEADER_REVISION, LEASE))
                      .sync(
                          new SyncState(
                              Optional.of("pg-2"),
                              List.of(ME),
                              java.util.OptionalInt.empty(),
                              SYNC_REVISION)))
          .local(
              l ->
                  l.following("pg-2")
                      .leaderLease(
                          new LeaderLease(
                              LEASE,
                              java.util.OptionalLong.of(Given.NOW - sec(seconds)),
                              Given.NOW - sec(0.1),
                              Given.NOW - sec(0.05))));
    }

    static final ActionKind[] TAKEOVER = {
      ActionKind.FAST_TAKEOVER, PROMOTION_GATE, ActionKind.SYNC_REPLICATION, PROMOTE, DECIDE_AGAIN
    };

    @Test
    void theSynchronousStandbyTakesTheKeysInOneTransactionThenPromotes() {
      Decision d = silentFor(2.5).decide();

      assertThat(d.kinds()).containsExactly(TAKEOVER);
      assertThat(d.actions().get(0).payload())
          .contains(
              new Takeover(
                  "pg-2",
                  LEADER_REVISION,
                  SYNC_REVISION,
                  2500,
                  new LeaderLease(
                      LEASE,
                      java.util.OptionalLong.of(Given.NOW - sec(2.5)),
                      Given.NOW - sec(0.1),
                      Given.NOW - sec(0.05)),
                  sec(2)));
      assertThat(d.actions().get(0).member()).contains("pg-2");
      assertThat(d.actions().get(1).otherwise()).containsExactly(act(RELEASE_LEADERSHIP));
      assertThat(d.reason())
          .isEqualTo(
              "fast takeover: (pg-2) has not renewed its lease for 2.5s (leader_silence_timeout"
                  + " 2s) and I am its synchronous standby with every acknowledged commit: taking"
                  + " the leader key and the sync key in one transaction, then promoting");
      // Not published before: that would only delay the takeover.
      assertThat(d.publication().observedBefore()).isFalse();
    }

    @Test
    void theKeyAlreadyNamesUsAloneSoOnlySynchronousStandbyNamesIsCleared() {
      SyncPlan plan = (SyncPlan) silentFor(2.5).decide().actions().get(2).payload().orElseThrow();

      assertThat(plan.steps()).containsExactly(new SyncStep.SetStandbyNames(StandbyNames.none()));
    }

    @Test
    void inStrictModeCommitsWaitForAStandbyFromTheFirstOne() {
      SyncPlan plan =
          (SyncPlan)
              silentFor(2.5)
                  .config(c -> c.synchronousModeStrict(true))
                  .decide()
                  .actions()
                  .get(2)
                  .payload()
                  .orElseThrow();

      assertThat(plan.steps()).containsExactly(new SyncStep.SetStandbyNames(StandbyNames.any()));
    }

    @Test
    void aLeaderStillRenewingIsFollowedAndNotMentioned() {
      Decision d =
          silentFor(0)
              .local(
                  l ->
                      l.leaderLease(
                          LeaderLease.afterReading(
                              Optional.empty(),
                              LEASE,
                              10,
                              9,
                              Given.NOW - sec(0.1),
                              Given.NOW - sec(0.05))))
              .decide();

      assertDecision(
          d, "no action. I am (pg-1), a secondary, and following a leader (pg-2)", act(NOTHING));
    }

    @Test
    void aSilenceShorterThanTheTimeoutIsNotEnough() {
      Decision d = silentFor(1.9).decide();

      assertThat(d.kinds()).containsExactly(NOTHING);
      assertThat(d.reason()).doesNotContain("takeover");
    }

    @Test
    void aReadingOfAnotherLeaseSaysNothingOfTheLeaderKeysLease() {
      Decision d =
          silentFor(2.5)
              .view(v -> v.leader(new io.pgha.patroni.Leader("pg-2", 1, LEADER_REVISION, 78)))
              .decide();

      assertThat(d.kinds()).containsExactly(NOTHING);
      assertThat(d.reason()).doesNotContain("takeover");
    }

    private void refused(Given given, String why) {
      Decision d = given.decide();
      assertThat(d.kinds()).doesNotContain(ActionKind.FAST_TAKEOVER, ActionKind.PROMOTE);
      assertThat(d.reason())
          .contains("; (pg-2)'s lease has not been renewed for ")
          .contains(", but no fast takeover: " + why);
    }

    @Test
    void neverInAsynchronousMode() {
      refused(
          silentFor(2.5).config(c -> c.synchronousMode(SynchronousMode.OFF)),
          "synchronous mode is off, and only its barrier makes an early takeover safe");
    }

    @Test
    void neverInAsynchronousModeEvenWhenAskedFor() {
      refused(
          silentFor(2.5).config(c -> c.synchronousMode(SynchronousMode.OFF).fastTakeover(true)),
          "fast_takeover (true) requires synchronous_mode true (priority), not false");
    }

    @Test
    void neverInQuorumMode() {
      refused(
          silentFor(2.5).config(c -> c.synchronousMode(SynchronousMode.QUORUM)),
          "synchronous_mode is quorum, and only the priority mode's barrier");
    }

    @Test
    void neverInQuorumModeEvenWhenAskedFor() {
      refused(
          silentFor(2.5).config(c -> c.synchronousMode(SynchronousMode.QUORUM).fastTakeover(true)),
          "fast_takeover (true) requires synchronous_mode true (priority), not quorum");
    }

    @Test
    void notWhenTurnedOff() {
      refused(silentFor(2.5).config(c -> c.fastTakeover(false)), "fast_takeover is off");
    }

    @Test
    void notWithASilenceTimeoutTheLeaseWouldBeatAnyway() {
      refused(
          silentFor(8.5).config(c -> c.leaderSilenceTimeout(8)),
          "leader_silence_timeout (8s) must be at least 1s and less than ttl - loop_wait (10s -"
              + " 2s = 8s)");
    }

    @Test
    void notWhilePaused() {
      refused(silentFor(2.5).paused(), "the cluster is paused");
    }

    @Test
    void notWithNofailover() {
      refused(
          silentFor(2.5).myTags(NOFAILOVER),
          "I may not be promoted (nofailover or failover_priority 0)");
    }

    @Test
    void notWhenTheSyncKeyNamesAnotherStandby() {
      refused(
          silentFor(2.5)
              .view(
                  v ->
                      v.sync(
                          new SyncState(
                              Optional.of("pg-2"),
                              List.of("pg-3"),
                              java.util.OptionalInt.empty(),
                              SYNC_REVISION))),
          "I am not named in the sync key");
    }

    @Test
    void notWhenTheSyncKeyBelongsToAnotherLeader() {
      refused(
          silentFor(2.5).view(v -> v.sync(SyncState.of("pg-3", List.of(ME)))),
          "the sync key does not belong to (pg-2)");
    }

    @Test
    void notWithoutASyncKey() {
      refused(silentFor(2.5).view(v -> v.sync(null)), "the sync key does not belong to (pg-2)");
    }

    @Test
    void notWhenNotStreamingFromTheLeader() {
      refused(
          silentFor(2.5).local(l -> l.following("pg-3")), "I do not stream from (pg-2) directly");
    }

    @Test
    void notBeforeTheReceivedWalIsReplayed() {
      refused(
          silentFor(2.5).local(l -> l.replayLagBytes(4096)),
          "I have not replayed all the WAL I received yet (4096 bytes to go)");
    }

    @Test
    void notWhenEtcdCouldNotBeReadThisCycle() {
      refused(
          silentFor(2.5).local(l -> l.etcdReadFailed(true)),
          "I could not read etcd this cycle, so I conclude nothing");
    }

    @Test
    void notFromAStaleReadingOfTheLease() {
      refused(
          silentFor(2.5)
              .local(
                  l ->
                      l.leaderLease(
                          new LeaderLease(
                              LEASE,
                              java.util.OptionalLong.of(Given.NOW - sec(2.5)),
                              Given.NOW - sec(1.6),
                              Given.NOW - sec(1.5)))),
          "my last reading of its lease is 1.5s old");
    }

    @Test
    void notWhileASwitchoverIsRequested() {
      refused(
          silentFor(2.5).view(v -> v.failover(FailoverRequest.switchover("pg-2", "pg-3"))),
          "a switchover or failover is requested");
    }

    @Test
    void notRightAfterACancelledPromotion() {
      refused(
          silentFor(2.5)
              .local(
                  l ->
                      l.promotionRefusal(
                          new PromotionRefusal("pre_promote said no", Given.NOW - sec(1)))),
          "a promotion was cancelled lately (pre_promote said no)");
    }

    @Test
    void notWhenPostgresIsNotAReplica() {
      Decision d = silentFor(2.5).local(l -> l.running(false)).decide();

      assertThat(d.kinds()).containsExactly(START_AS_REPLICA);
      assertThat(d.reason())
          .contains("no fast takeover: PostgreSQL does not run here as a replica");
    }
  }
}
