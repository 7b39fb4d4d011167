package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP_STANDBY;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.FOLLOW_PRIMARY_CLUSTER;
import static io.pgha.core.ha.ActionKind.PROMOTE;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.START_AS_STANDBY_LEADER;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.ActionKind.WRITE_INITIAL_CONFIG;
import static io.pgha.core.ha.ActionKind.WRITE_MISSING_CONFIG;
import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.NOW;
import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.sec;
import static io.pgha.core.ha.HaDeciderTest.RACE;
import static io.pgha.core.ha.HaDeciderTest.assertDecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.StandbyCluster;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The standby cluster's rules ({@link StandbyLeader}) and its section ({@link StandbyCluster}). */
class StandbyLeaderTest {
  private static final Map<String, Object> SECTION = Map.of("host", "10.0.0.9", "port", 5433);
  private static final StandbyCluster REMOTE =
      new StandbyCluster(
          Optional.of("10.0.0.9"),
          5433,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of("basebackup"));

  private static Given standby(Map<String, Object> section) {
    // The config key holds the section (the upkeep writes the config key when there is none).
    return given()
        .config(c -> c.extra(Map.of(StandbyCluster.KEY, section)))
        .view(
            v ->
                v.config(
                    DynamicConfig.builder().extra(Map.of(StandbyCluster.KEY, section)).build()));
  }

  private static Given standby() {
    return standby(SECTION);
  }

  private static Given standbyLeader() {
    return standby().leader(ME);
  }

  @Nested
  class Bootstrap {
    private Given uninitialized(Given g) {
      return g.local(l -> l.dataDirectoryEmpty(true).running(false)).view(v -> v.initialize(null));
    }

    @Test
    void theWinnerCopiesThePrimaryClusterInsteadOfRunningInitdb() {
      Decision d = uninitialized(standby()).decide();

      assertDecision(
          d,
          "the standby cluster is not initialized: racing to copy the primary cluster at"
              + " 10.0.0.9:5433 and lead it",
          Action.standby(BOOTSTRAP_STANDBY, REMOTE),
          Action.of(ACQUIRE_LEADER),
          Action.of(WRITE_INITIAL_CONFIG));
      assertThat(d.kinds()).doesNotContain(BOOTSTRAP, PROMOTE);
    }

    @Test
    void withoutAHostThereIsNothingToCopyFrom() {
      Decision d = uninitialized(standby(Map.of("restore_command", "cp /archive/%f %p"))).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
      assertThat(d.reason()).contains("names no host");
    }

    @Test
    void withoutAHostAMemberWithANoLeaderMethodRacesToRestoreIt() {
      Decision d =
          uninitialized(standby(Map.of("restore_command", "cp /archive/%f %p")))
              .me(new MemberIdentity(ME, Tags.NONE, false, true))
              .decide();

      assertThat(d.kinds())
          .containsExactly(BOOTSTRAP_STANDBY, ACQUIRE_LEADER, WRITE_INITIAL_CONFIG);
    }

    @Test
    void aNofailoverMemberWaitsForAnotherToCopyIt() {
      Decision d = uninitialized(standby()).myTags(Tags.NONE.withNoFailover(true)).decide();

      assertThat(d.kinds()).containsExactly(WAIT);
      assertThat(d.reason()).contains("nofailover");
    }

    @Test
    void aSectionThatCannotBeFollowedIsWaitedOnWithItsProblem() {
      Decision d = uninitialized(standby(Map.of("host", "10.0.0.9", "port", "x"))).decide();

      assertDecision(
          d,
          "the standby cluster is not initialized, and standby_cluster.port (x) must be a port"
              + " number in 1..65535: waiting",
          Action.of(WAIT));
    }
  }

  @Nested
  class Leading {
    @Test
    void aStandbyLeaderFollowingThePrimaryClusterKeepsTheKey() {
      Decision d = standbyLeader().local(l -> l.following(REMOTE.followingName())).decide();

      assertDecision(
          d,
          "no action. I am (pg-1), the standby leader with the lock, following the primary"
              + " cluster at 10.0.0.9:5433",
          Action.renew());
    }

    @Test
    void aStandbyLeaderNotYetFollowingIsPointedAtThePrimaryClusterNeverPromoted() {
      Decision d = standbyLeader().local(l -> l.following("pg-2")).decide();

      assertDecision(
          d,
          "I hold the leader key of a standby cluster: following the primary cluster at"
              + " 10.0.0.9:5433",
          Action.renew(),
          Action.standby(FOLLOW_PRIMARY_CLUSTER, REMOTE));
    }

    @Test
    void aChangedSectionIsFollowedAnew() {
      Decision d =
          standby(Map.of("host", "10.0.0.10"))
              .leader(ME)
              .local(l -> l.following(REMOTE.followingName()))
              .decide();

      assertThat(d.kinds()).containsExactly(ActionKind.RENEW, FOLLOW_PRIMARY_CLUSTER);
    }

    @Test
    void aReadWriteLeaderOfAStandbyClusterIsDemoted() {
      Decision d = standbyLeader().primary().decide();

      assertDecision(
          d,
          "demoting self: the leader of a standby cluster cannot run read-write (standby_cluster"
              + " is set); it then follows the primary cluster as the standby leader",
          Action.renew(),
          Action.of(DEMOTE));
    }

    @Test
    void aStoppedStandbyLeaderStartsFollowingThePrimaryCluster() {
      Decision d = standbyLeader().down(3).decide();

      assertDecision(
          d,
          "PostgreSQL is not running on the standby leader: starting it as a standby of the"
              + " primary cluster at 10.0.0.9:5433 (down 3.0s, primary_start_timeout 300s)",
          Action.renew(),
          Action.standby(START_AS_STANDBY_LEADER, REMOTE));
    }

    @Test
    void aStartingStandbyLeaderIsWaitedFor() {
      Decision d = standbyLeader().down(3).local(l -> l.postmasterStarting(true)).decide();

      assertThat(d.kinds()).containsExactly(ActionKind.RENEW, AWAIT_STARTUP);
    }

    @Test
    void aStandbyLeaderDownPastPrimaryStartTimeoutGivesTheKeyUp() {
      Decision d = standbyLeader().config(c -> c.primaryStartTimeout(10)).down(11).decide();

      assertThat(d.kinds()).containsExactly(RELEASE_LEADERSHIP);
      assertThat(d.reason()).contains("another member leads the standby cluster");
    }

    @Test
    void pausedTheStandbyLeaderIsNotRepointed() {
      Decision d = standbyLeader().config(c -> c.pause(true)).local(l -> l.following("x")).decide();

      assertDecision(
          d,
          "PAUSE: not pointing the standby leader at the primary cluster at 10.0.0.9:5433 while"
              + " paused",
          Action.renew());
    }

    @Test
    void aSectionThatCannotBeFollowedKeepsTheKeyAndChangesNothing() {
      Decision d =
          standby(Map.of("host", "10.0.0.9", "primary_slot_name", "Bad-Slot")).leader(ME).decide();

      assertThat(d.actions()).containsExactly(Action.renew());
      assertThat(d.reason())
          .contains("standby_cluster.primary_slot_name (Bad-Slot) must be lower-case");
    }

    @Test
    void theStandbyLeaderKeepsItsMembersSlots() {
      SlotsSeen seen = new SlotsSeen(Set.of("pg_2", "pg_3"), Set.of("pg_2"), Map.of());
      Decision d =
          standbyLeader().local(l -> l.following(REMOTE.followingName()).slots(seen)).decide();

      assertThat(d.kinds()).containsExactly(ActionKind.RENEW, ActionKind.REPLICATION_SLOTS);
    }

    @Test
    void theStandbyLeaderDropsLogicalSlotsAndKeepsNoneOfThem() {
      // E.g. the former primary of the primary cluster, now leading a standby cluster of it.
      SlotsSeen seen =
          new SlotsSeen(
              Set.of(),
              Set.of(),
              Map.of(),
              Set.of("test_logical", "in_use", "ignored"),
              Map.of("test_logical", 5000L),
              Set.of("in_use", "ignored"));
      Map<String, Object> slots =
          Map.of("test_logical", Map.of("database", "postgres", "plugin", "test_decoding"));
      Decision d =
          standbyLeader()
              .config(c -> c.extra(Map.of(StandbyCluster.KEY, SECTION, "slots", slots)))
              .view(
                  v ->
                      v.status(
                          new io.pgha.patroni.ClusterStatus(
                              java.util.OptionalLong.empty(),
                              Map.of("test_logical", 6000L),
                              List.of())))
              .local(l -> l.following(REMOTE.followingName()).slots(seen))
              .decide();

      assertThat(d.actions())
          .containsExactly(
              Action.renew(),
              Action.slots(
                  new SlotPlan(
                      List.of(),
                      List.of(),
                      "dropping logical slots [test_logical]: not permanent slots kept here",
                      Map.of(),
                      Map.of(),
                      List.of("test_logical"))));
      assertThat(
              standbyLeader()
                  .paused()
                  .local(l -> l.following(REMOTE.followingName()).slots(seen))
                  .decide()
                  .kinds())
          .containsExactly(ActionKind.RENEW);
    }

    @Test
    void aStandbyLeaderWithoutAConfigKeyWritesIt() {
      // It claimed the cluster with the data directory it had: no bootstrap wrote the key.
      Given adopted =
          given()
              .config(c -> c.extra(Map.of(StandbyCluster.KEY, SECTION)))
              .view(v -> v.config(null))
              .leader(ME);

      assertThat(adopted.local(l -> l.following(REMOTE.followingName())).decide().actions())
          .containsExactly(Action.renew(), Action.of(WRITE_MISSING_CONFIG));
      assertThat(
              adopted
                  .leader(null)
                  .peers(
                      PeerPosition.replica("pg-2", 2, 900), PeerPosition.replica("pg-3", 2, 1000))
                  .decide()
                  .actions())
          .containsExactly(
              Action.of(ACQUIRE_LEADER),
              Action.standby(FOLLOW_PRIMARY_CLUSTER, REMOTE),
              Action.of(WRITE_MISSING_CONFIG));
    }

    @Test
    void removingTheSectionPromotesTheStandbyLeader() {
      Decision d = given().leader(ME).local(l -> l.following(REMOTE.followingName())).decide();

      assertThat(d.kinds()).contains(PROMOTE);
      assertThat(d.reason())
          .isEqualTo("promoting self: I hold the leader key and PostgreSQL runs as a replica");
    }
  }

  @Nested
  class Election {
    @Test
    void theHealthiestMemberTakesTheKeyAsStandbyLeaderWithoutPromoting() {
      Decision d =
          standby()
              .peers(PeerPosition.replica("pg-2", 2, 900), PeerPosition.replica("pg-3", 2, 1000))
              .decide();

      assertDecision(
          d,
          "the leader key is free and I am the healthiest member: taking the leader key as the"
              + " standby leader, following the primary cluster at 10.0.0.9:5433 (a standby"
              + " cluster promotes no one)",
          Action.of(ACQUIRE_LEADER),
          Action.standby(FOLLOW_PRIMARY_CLUSTER, REMOTE));
    }

    @Test
    void synchronousModeDoesNotApplyInAStandbyCluster() {
      Decision d =
          standby()
              .config(c -> c.synchronousMode(SynchronousMode.ON))
              .peers(PeerPosition.replica("pg-2", 2, 900))
              .decide();

      assertThat(d.kinds()).containsExactly(ACQUIRE_LEADER, FOLLOW_PRIMARY_CLUSTER);
    }

    @Test
    void withoutTheSectionTheSameMemberPromotes() {
      Decision d = given().peers(PeerPosition.replica("pg-2", 2, 900)).decide();

      assertThat(d.kinds()).containsExactly(RACE);
    }

    @Test
    void otherMembersFollowTheStandbyLeaderAsAnyLeader() {
      Decision d = standby().leader("pg-2").down(1).decide();

      assertDecision(d, "starting as a replica of (pg-2)", Action.of(START_AS_REPLICA, "pg-2"));
    }
  }

  @Nested
  class Section {
    private DynamicConfig config(Map<String, Object> section) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put(StandbyCluster.KEY, section);
      return DynamicConfig.builder().extra(extra).build();
    }

    @Test
    void everyKeyIsRead() {
      StandbyCluster c =
          StandbyCluster.of(
                  config(
                      Map.of(
                          "host", "pg-primary.example",
                          "port", "6432",
                          "primary_slot_name", "standby_a",
                          "restore_command", "cp /archive/%f %p",
                          "recovery_min_apply_delay", "1h",
                          "create_replica_methods", List.of("basebackup"))))
              .orElseThrow();

      assertThat(c.host()).contains("pg-primary.example");
      assertThat(c.port()).isEqualTo(6432);
      assertThat(c.primarySlotName()).contains("standby_a");
      assertThat(c.restoreCommand()).contains("cp /archive/%f %p");
      assertThat(c.recoveryMinApplyDelay()).contains("1h");
      assertThat(c.describe()).isEqualTo("the primary cluster at pg-primary.example:6432");
    }

    @Test
    void noSectionAndAnEmptyOneAreNoStandbyCluster() {
      assertThat(StandbyCluster.of(DynamicConfig.defaults())).isEmpty();
      assertThat(StandbyCluster.of(config(Map.of()))).isEmpty();
    }

    @Test
    void badValuesAreNamedWithTheirRule() {
      assertThatThrownBy(() -> StandbyCluster.of(config(Map.of("port", 5432))))
          .hasMessageStartingWith("standby_cluster ({port=5432}) needs host or restore_command");
      assertThatThrownBy(() -> StandbyCluster.of(config(Map.of("host", "a", "port", 70000))))
          .hasMessage("standby_cluster.port (70000) must be a port number in 1..65535");
      assertThatThrownBy(
              () ->
                  StandbyCluster.of(
                      config(Map.of("host", "a", "recovery_min_apply_delay", "soon"))))
          .hasMessage(
              "standby_cluster.recovery_min_apply_delay (soon) must be a whole number with an"
                  + " optional unit ms, s, min, h or d");
      assertThatThrownBy(
              () ->
                  StandbyCluster.of(
                      config(Map.of("host", "a", "create_replica_methods", List.of("wal e")))))
          .hasMessageStartingWith("standby_cluster.create_replica_methods ([wal e]) must name");
      assertThat(
              StandbyCluster.of(
                      config(
                          Map.of(
                              "host",
                              "a",
                              "create_replica_methods",
                              List.of("wal_e", "basebackup"))))
                  .orElseThrow()
                  .createReplicaMethods())
          .containsExactly("wal_e", "basebackup");
      assertThatThrownBy(() -> StandbyCluster.of(config(Map.of("host", "a b"))))
          .hasMessage("standby_cluster.host (a b) must be a host name or an IP address");
    }

    @Test
    void theDelayIsEveryMembersParameterAndWinsOverTheParametersOne() {
      DynamicConfig c =
          config(Map.of("host", "a", "recovery_min_apply_delay", "5s")).toBuilder()
              .parameters(Map.of("recovery_min_apply_delay", "1min", "work_mem", "8MB"))
              .build();

      assertThat(StandbyCluster.parameters(c))
          .containsEntry("recovery_min_apply_delay", "5s")
          .containsEntry("work_mem", "8MB");
      assertThat(StandbyCluster.parameters(DynamicConfig.defaults())).isEmpty();
    }

    @Test
    void eachSourceIsFollowedUnderANameNoMemberHas() {
      assertThat(REMOTE.followingName()).isEqualTo("standby_cluster 10.0.0.9:5433");
      assertThat(
              StandbyCluster.of(config(Map.of("host", "a", "primary_slot_name", "s")))
                  .orElseThrow()
                  .followingName())
          .isEqualTo("standby_cluster a:5432 slot s");
    }
  }

  @Test
  void noDecisionInAStandbyClusterPromotes() {
    for (Given g :
        List.of(
            standby(),
            standby().primary(),
            standbyLeader(),
            standbyLeader().down(1),
            standbyLeader().primary(),
            standby().leader("pg-2"),
            standby().local(l -> l.leaseDeadlineNanos(NOW - sec(1))))) {
      assertThat(g.decide().kinds()).doesNotContain(PROMOTE, ActionKind.PROMOTION_GATE);
    }
  }
}
