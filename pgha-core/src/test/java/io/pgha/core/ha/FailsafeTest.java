package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.NOW;
import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.sec;
import static io.pgha.core.ha.HaDeciderTest.RACE;
import static io.pgha.core.ha.HaDeciderTest.act;
import static io.pgha.core.ha.HaDeciderTest.assertDecision;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Failsafe mode's rules: one test per branch. */
class FailsafeTest {

  /** A leader whose lease deadline passed 1 s ago, in failsafe mode (ttl 30). */
  static Given leaderWithoutLease() {
    return given()
        .primary()
        .leader(ME)
        .config(c -> c.failsafeMode(true))
        .local(l -> l.leaseDeadlineNanos(NOW - sec(1)));
  }

  /**
   * A leader in failsafe mode that a member did not confirm while etcd did not confirm its lease;
   * its lease is still live (deadline in 10 s).
   */
  static Given refusedLeader() {
    return given()
        .leader(ME)
        .config(c -> c.failsafeMode(true))
        .local(l -> l.failsafeRefusal("not confirmed by {pg-2=Connection refused}"));
  }

  @Nested
  class AfterARefusal {
    static final String WHY =
        "failsafe mode: etcd does not confirm my lease and not confirmed by {pg-2=Connection"
            + " refused}: ";

    @Test
    void aPrimaryDemotesAlthoughItsLeaseIsLive() {
      assertDecision(
          refusedLeader().primary().decide(),
          WHY
              + "demoting self because DCS is not accessible and I was a leader: stopping"
              + " PostgreSQL and starting it read-only, following no one",
          act(DEMOTE),
          act(START_AS_REPLICA));
    }

    @Test
    void withoutEtcdTheMemberKeyIsNotWrittenBeforeTheDemotion() {
      Decision d = refusedLeader().primary().local(l -> l.etcdReadFailed(true)).decide();

      assertThat(d.publication().observedBefore()).isFalse();
      assertThat(d.publication().probedAfter()).isTrue();
    }

    @Test
    void withEtcdReadTheObservationIsPublishedFirstAsUsual() {
      Decision d = refusedLeader().primary().local(l -> l.etcdReadFailed(false)).decide();

      assertThat(d.publication().observedBefore()).isTrue();
    }

    @Test
    void aStoppedPostgresStartsReadOnlyFollowingNoOne() {
      assertDecision(
          refusedLeader().down(1).decide(),
          WHY + "starting PostgreSQL read-only, following no one, until etcd confirms my lease",
          act(START_AS_REPLICA));
    }

    @Test
    void aReplicaIsNotPromotedBackAlthoughItHoldsTheKey() {
      assertDecision(
          refusedLeader().decide(),
          WHY + "staying read-only until etcd confirms my lease again",
          act(WAIT));
    }

    @Test
    void withoutEtcdAReadOnlyRefusedLeaderWaitsAndPublishesAsUsual() {
      // Its reflex already started it read-only: the cycle that cannot read etcd has nothing to
      // change, and writes its observation (bounded by a request timeout) rather than failing.
      Decision d = refusedLeader().local(l -> l.etcdReadFailed(true)).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
      assertThat(d.publication().observedBefore()).isTrue();
    }

    @Test
    void aStartingPostgresIsLeftToStart() {
      Decision d = refusedLeader().down(1).local(l -> l.postmasterStarting(true)).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }

    @Test
    void withoutFailsafeModeTheRefusalDoesNotCount() {
      Decision d = refusedLeader().primary().config(c -> c.failsafeMode(false)).decide();

      assertThat(d.kinds()).doesNotContain(DEMOTE);
    }

    @Test
    void whilePausedNothingIsDemoted() {
      Decision d = refusedLeader().primary().paused().decide();

      assertThat(d.kinds()).doesNotContain(DEMOTE);
    }

    @Test
    void aReplicaOfAnotherLeaderFollowsAsUsual() {
      Decision d = refusedLeader().leader("pg-2").decide();

      assertThat(d.reason()).doesNotContain("failsafe");
    }
  }

  @Nested
  class LeaderWithoutLease {
    @Test
    void withoutFailsafeModeDemotes() {
      Decision d =
          leaderWithoutLease()
              .config(c -> c.failsafeMode(false))
              .local(l -> l.failsafeConfirmedUntilNanos(NOW + sec(5)))
              .decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void withoutAnyConfirmationDemotes() {
      assertThat(leaderWithoutLease().decide().kinds()).containsExactly(DEMOTE);
    }

    @Test
    void whenTheConfirmationLapsedDemotes() {
      Decision d = leaderWithoutLease().local(l -> l.failsafeConfirmedUntilNanos(NOW)).decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void withAllMembersConfirmingAndEtcdUnreachableStaysPrimary() {
      Decision d =
          leaderWithoutLease()
              .local(l -> l.failsafeConfirmedUntilNanos(NOW + sec(4)).viewConfirmedAtNanos(0))
              .decide();

      assertDecision(
          d,
          "continuing to run as the leader because failsafe mode is enabled and all members are"
              + " accessible: etcd cannot confirm my lease, every member confirmed over the API"
              + " that it accepts me (for another 4.0s)",
          act(WAIT));
    }

    @Test
    void withAFreshViewStillNamingMeStaysPrimary() {
      Decision d =
          leaderWithoutLease().local(l -> l.failsafeConfirmedUntilNanos(NOW + sec(4))).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
    }

    @Test
    void whenAFreshViewNamesAnotherLeaderDemotes() {
      Decision d =
          leaderWithoutLease()
              .leader("pg-2")
              .local(l -> l.failsafeConfirmedUntilNanos(NOW + sec(4)))
              .decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }

    @Test
    void whenMyKeyExpiredMeanwhileTakesItBack() {
      Decision d =
          leaderWithoutLease()
              .view(v -> v.leader((io.pgha.patroni.Leader) null))
              .local(l -> l.noLease().failsafeConfirmedUntilNanos(NOW + sec(4)))
              .decide();

      assertDecision(
          d,
          "etcd answers again but my leader key expired meanwhile; failsafe mode kept me primary"
              + " (every member confirmed, for another 4.0s): taking the key back",
          act(ACQUIRE_LEADER));
    }
  }

  @Nested
  class Race {
    /** A replica with no leader in etcd, failsafe mode on. */
    Given unlockedReplica() {
      return given().config(c -> c.failsafeMode(true));
    }

    @Test
    void aRecentHeartbeatKeepsAReplicaOutOfTheRace() {
      Decision d =
          unlockedReplica()
              .local(l -> l.failsafeContact(new FailsafeContact("pg-2", NOW - sec(3))))
              .decide();

      assertDecision(
          d,
          "no leader, and (pg-2) told me 3.0s ago over the API that it still runs as primary"
              + " (failsafe mode): not racing within ttl of that",
          act(WAIT));
    }

    @Test
    void anOldHeartbeatDoesNot() {
      Decision d =
          unlockedReplica()
              .local(l -> l.failsafeContact(new FailsafeContact("pg-2", NOW - sec(30))))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void myOwnHeartbeatDoesNot() {
      Decision d =
          unlockedReplica()
              .local(l -> l.failsafeContact(new FailsafeContact(ME, NOW - sec(1))))
              .decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void heartbeatsDoNotCountWithoutFailsafeMode() {
      Decision d =
          given().local(l -> l.failsafeContact(new FailsafeContact("pg-2", NOW - sec(1)))).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aMemberMissingFromTheFailsafeKeyMayNotRace() {
      Decision d =
          unlockedReplica()
              .view(v -> v.failsafe(Map.of("pg-3", "http://c/patroni", "pg-2", "http://b/patroni")))
              .decide();

      assertDecision(
          d,
          "no leader, and failsafe mode is on and I am not in the failsafe key's member list"
              + " [pg-2, pg-3]",
          act(WAIT));
    }

    @Test
    void aMemberListedInTheFailsafeKeyMayRace() {
      Decision d = unlockedReplica().view(v -> v.failsafe(Map.of(ME, "http://a/patroni"))).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void anEmptyFailsafeKeyExcludesNobody() {
      Decision d = unlockedReplica().view(v -> v.failsafe(Map.of())).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void aPrimaryWithoutTheKeyThatMayNotRaceDemotes() {
      Decision d =
          unlockedReplica()
              .primary()
              .local(l -> l.failsafeContact(new FailsafeContact("pg-2", NOW - sec(1))))
              .decide();

      assertThat(d.kinds()).containsExactly(DEMOTE);
    }
  }

  @Nested
  class Heartbeats {
    @Test
    void aMemberDoesNotConfirmItself() {
      assertThat(Failsafe.whyRefuseHeartbeat("a", "a", false))
          .hasValue("(a) is this member: a leader does not confirm itself");
    }

    @Test
    void aPrimaryRefuses() {
      assertThat(Failsafe.whyRefuseHeartbeat("a", "b", true))
          .hasValue("Running as a leader: (a) runs PostgreSQL read-write itself");
    }

    @Test
    void aReplicaAccepts() {
      assertThat(Failsafe.whyRefuseHeartbeat("a", "b", false)).isEmpty();
    }

    @Test
    void dueOnlyInFailsafeModeOnALeaderWhoseLeaseIsInDoubt() {
      long ttl = sec(6);
      assertThat(Failsafe.heartbeatDue(false, true, 0, ttl / 2, NOW)).isFalse();
      assertThat(Failsafe.heartbeatDue(true, false, 0, ttl / 2, NOW)).isFalse();
      assertThat(Failsafe.heartbeatDue(true, true, 0, ttl / 2, NOW)).as("no lease").isTrue();
      assertThat(Failsafe.heartbeatDue(true, true, NOW - sec(3), ttl / 2, NOW)).isFalse();
      assertThat(Failsafe.heartbeatDue(true, true, NOW - sec(3.1), ttl / 2, NOW)).isTrue();
    }

    @Test
    void dueAfterRetryTimeoutWithinHalfATtlAndNotBeforeASecond() {
      DynamicConfig behave = DynamicConfig.builder().ttl(20).retryTimeout(5).build();
      assertThat(Failsafe.heartbeatDueAfterNanos(behave)).as("retry_timeout").isEqualTo(sec(5));
      DynamicConfig longRetry = DynamicConfig.builder().ttl(6).retryTimeout(10).build();
      assertThat(Failsafe.heartbeatDueAfterNanos(longRetry)).as("half a ttl").isEqualTo(sec(3));
      DynamicConfig noRetry = DynamicConfig.builder().ttl(20).retryTimeout(0).build();
      assertThat(Failsafe.heartbeatDueAfterNanos(noRetry)).as("a second").isEqualTo(sec(1));
    }

    @Test
    void aRefusalDemotesOnlyOnceEtcdHasNotConfirmedTheLeaseForRetryTimeout() {
      assertThat(Failsafe.refusalDemotes(NOW - sec(5.1), NOW, sec(5))).isTrue();
      assertThat(Failsafe.refusalDemotes(NOW - sec(4.9), NOW, sec(5))).isFalse();
      assertThat(Failsafe.refusalDemotes(NOW + sec(0.1), NOW, sec(5)))
          .as("renewed during the round")
          .isFalse();
      assertThat(Failsafe.refusalDemotes(0, NOW, sec(5))).as("no lease").isTrue();
    }

    @Test
    void aRoundCountsForTtlLessAQuarter() {
      assertThat(Failsafe.confirmedUntil(NOW, sec(8))).isEqualTo(NOW + sec(6));
    }
  }

  @Nested
  class Topology {
    final ClusterView view =
        ClusterView.builder()
            .member(withApi("pg-1", "http://a/patroni"))
            .member(withApi("pg-2", "http://b/patroni"))
            .member(withApi("pg-3", ""))
            .build();

    @Test
    void listsMembersThatPublishAnApiUrl() {
      assertThat(Failsafe.topology(view))
          .containsExactly(
              Map.entry("pg-1", "http://a/patroni"), Map.entry("pg-2", "http://b/patroni"));
    }

    @Test
    void theLeaderWritesTheKeyWhenItDiffers() {
      DynamicConfig on = DynamicConfig.builder().failsafeMode(true).build();
      assertThat(Failsafe.keyUpdate(view, on)).hasValue(Failsafe.topology(view));
      ClusterView current = view.toBuilder().failsafe(Failsafe.topology(view)).build();
      assertThat(Failsafe.keyUpdate(current, on)).isEmpty();
      assertThat(Failsafe.keyUpdate(ClusterView.empty(), on)).isEmpty();
    }

    @Test
    void theLeaderDeletesALeftoverKeyWhenFailsafeModeIsOff() {
      DynamicConfig off = DynamicConfig.builder().build();
      assertThat(Failsafe.keyUpdate(view, off)).isEmpty();
      ClusterView leftover = view.toBuilder().failsafe(Map.of("pg-1", "x")).build();
      assertThat(Failsafe.keyUpdate(leftover, off)).hasValue(Map.of());
    }

    @Test
    void everyKnownMemberButMeMustConfirm() {
      ClusterView v =
          view.toBuilder()
              .failsafe(Map.of("pg-1", "http://a/patroni", "pg-4", "http://d/patroni"))
              .build();

      assertThat(Failsafe.membersToConfirm(v, "pg-1"))
          .containsOnly(
              Map.entry("pg-4", "http://d/patroni"),
              Map.entry("pg-2", "http://b/patroni"),
              Map.entry("pg-3", ""));
    }

    @Test
    void aLeaderNamedAloneInTheFailsafeKeyLeadsAClusterOfOne() {
      // dcs_failsafe_mode.feature: a one-member cluster keeps its primary while etcd is down.
      ClusterView alone =
          ClusterView.builder()
              .member(withApi("pg-1", "http://a/patroni"))
              .failsafe(Map.of("pg-1", "http://a/patroni"))
              .build();
      assertThat(Failsafe.membersToConfirm(alone, "pg-1")).isEmpty();
      assertThat(Failsafe.aloneInFailsafeKey(alone, "pg-1")).isTrue();

      ClusterView noKey = alone.toBuilder().failsafe(null).build();
      assertThat(Failsafe.aloneInFailsafeKey(noKey, "pg-1")).isFalse();
      ClusterView another = alone.toBuilder().member(withApi("pg-2", "http://b/patroni")).build();
      assertThat(Failsafe.aloneInFailsafeKey(another, "pg-1")).isFalse();
      ClusterView keyWithAnother =
          alone.toBuilder().failsafe(Map.of("pg-1", "x", "pg-2", "y")).build();
      assertThat(Failsafe.aloneInFailsafeKey(keyWithAnother, "pg-1")).isFalse();
    }

    @Test
    void aUrlFromTheKeyIsKeptWhenTheMemberPublishesNone() {
      ClusterView v = view.toBuilder().failsafe(Map.of("pg-3", "http://c/patroni")).build();

      assertThat(Failsafe.membersToConfirm(v, "pg-1")).containsEntry("pg-3", "http://c/patroni");
    }

    private static Member withApi(String name, String apiUrl) {
      return Member.builder(name).state("running").role(Role.REPLICA).apiUrl(apiUrl).build();
    }
  }

  @Test
  void contactNeedsALeader() {
    org.assertj.core.api.Assertions.assertThatNullPointerException()
        .isThrownBy(() -> new FailsafeContact(null, 0));
    assertThat(Optional.of(new FailsafeContact("a", 1)).map(FailsafeContact::leader)).hasValue("a");
  }

  @Nested
  class LeaseReflex {
    private final java.util.OptionalLong until = java.util.OptionalLong.of(NOW + sec(2));

    @Test
    void confirmationsCoverTheLeaderUntilTheirDeadlineOnlyInFailsafeMode() {
      assertThat(Failsafe.confirmationsCover(true, until, NOW)).isTrue();
      assertThat(Failsafe.confirmationsCover(true, until, NOW + sec(2))).isFalse();
      assertThat(Failsafe.confirmationsCover(false, until, NOW)).isFalse();
      assertThat(Failsafe.confirmationsCover(true, java.util.OptionalLong.empty(), NOW)).isFalse();
    }

    @Test
    void theFenceWaitsWhileEveryMemberConfirmsAndNoOtherLeaderIsKnown() {
      assertThat(Failsafe.deferFencing(true, until, Optional.of(ME), ME, NOW))
          .hasValue(
              "not demoting yet: failsafe mode is on and every member confirmed me as leader (for"
                  + " another 2000ms)");
      assertThat(Failsafe.deferFencing(true, until, Optional.empty(), ME, NOW)).isPresent();
    }

    @Test
    void theFenceHappensAtOnceOtherwise() {
      assertThat(Failsafe.deferFencing(true, until, Optional.of("pg-2"), ME, NOW)).isEmpty();
      assertThat(Failsafe.deferFencing(true, until, Optional.of(ME), ME, NOW + sec(3))).isEmpty();
      assertThat(Failsafe.deferFencing(false, until, Optional.of(ME), ME, NOW)).isEmpty();
    }
  }
}
