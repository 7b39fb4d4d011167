package io.pgha.core.ha;

import static io.pgha.core.ha.Given.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ha.SyncStep.ClearSyncKey;
import io.pgha.core.ha.SyncStep.SetStandbyNames;
import io.pgha.core.ha.SyncStep.WriteSyncKey;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replays random histories of standbys leaving, coming back, catching up, commits, changes of
 * {@code synchronous_node_count} and agent failures between two steps, with the leader applying
 * {@link QuorumReplication}'s plans step by step against a small model of PostgreSQL's {@code ANY
 * k} commits. After every event it checks the {@code sync} key's promise (each acknowledged commit
 * on all voters but {@code quorum}) and then fails the leader: every standby that the election rule
 * ({@link HaDecider}, {@link QuorumVotes}) lets race, with a random subset of the others answering,
 * must hold every acknowledged commit.
 */
class QuorumReplicationSimulationTest {
  private static final String LEADER = "pg-1";
  private static final List<String> STANDBYS = List.of("pg-2", "pg-3", "pg-4", "pg-5");

  @Test
  void everyAcknowledgedCommitSurvivesAFailover() {
    for (int seed = 0; seed < 60; seed++) {
      replay(new Random(seed), seed);
    }
    // Not vacuous: a failover was possible in many of the states visited.
    assertThat(races).isGreaterThan(5_000);
  }

  private int races;

  private void replay(Random random, int seed) {
    DynamicConfig.Builder config =
        DynamicConfig.builder()
            .synchronousMode(SynchronousMode.QUORUM)
            .synchronousModeStrict(random.nextBoolean())
            .synchronousNodeCount(1 + random.nextInt(2));
    Map<String, SimulatedStandby> standbys = new LinkedHashMap<>();
    STANDBYS.forEach(n -> standbys.put(n, new SimulatedStandby(n, 100, 5 + random.nextInt(90))));
    Map<String, Long> syncSince = new HashMap<>(); // keeper memory: "name#walSender" -> position
    long wal = 100;
    long acknowledged = 100;
    boolean commitWaiting = false;
    SyncState key = null;
    long revision = 0;
    StandbyNames names = StandbyNames.none();
    // The keeper's memory of the setting: the position read after it took effect.
    StandbyNames namesSeen = null;
    OptionalLong namesSince = OptionalLong.empty();
    List<SyncStep> pending = new ArrayList<>();
    SyncPlan plan = null;

    for (int event = 0; event < 200; event++) {
      int what = random.nextInt(12);
      SimulatedStandby s = standbys.get(STANDBYS.get(random.nextInt(STANDBYS.size())));
      if (what == 0 && s.connected) {
        s.disconnect();
      } else if (what == 1 && !s.connected) {
        s.reconnect();
      } else if (what == 2) {
        for (SimulatedStandby c : standbys.values()) {
          c.catchUp(wal);
        }
      } else if (what == 3) {
        config.synchronousNodeCount(1 + random.nextInt(3));
      } else if (what <= 6) {
        if (!commitWaiting) {
          wal += 10;
          commitWaiting = true;
        }
      } else if (!pending.isEmpty()) {
        SyncStep step = pending.remove(0);
        if (random.nextInt(6) == 0) {
          pending.clear(); // the agent failed between two steps
        } else if (step instanceof WriteSyncKey w) {
          if (w.expectedRevision() != (key != null ? revision : 0)) {
            pending.clear(); // compare-and-swap failed
          } else {
            key = w.sync();
            revision++;
          }
        } else if (step instanceof ClearSyncKey) {
          key = null;
        } else if (step instanceof SetStandbyNames n) {
          names = n.names();
        }
      } else {
        // The leader's cycle: observe as SyncKeeper does, decide; the steps follow, one per event.
        long position = wal;
        if (!names.equals(namesSeen)) {
          namesSeen = names;
          namesSince = OptionalLong.empty();
        } else if (namesSince.isEmpty()) {
          namesSince = OptionalLong.of(position);
        }
        List<StandbyConnection> observed = new ArrayList<>();
        for (SimulatedStandby c : standbys.values()) {
          if (!c.connected) {
            continue;
          }
          String syncState = c.streaming && names.lists(c.name) ? "quorum" : "async";
          String id = c.walSenderId();
          OptionalLong since = OptionalLong.empty();
          if (syncState.equals("quorum")) {
            long first = syncSince.computeIfAbsent(id, k -> position);
            if (namesSince.isPresent()) {
              since = OptionalLong.of(Math.max(first, namesSince.getAsLong()));
            }
          } else {
            syncSince.remove(id);
          }
          observed.add(
              new StandbyConnection(
                  c.name, c.streaming ? "streaming" : "catchup", syncState, c.flush, since));
        }
        ClusterView.Builder view = ClusterView.builder().leader(LEADER).member(running(LEADER));
        STANDBYS.forEach(n -> view.member(running(n)));
        if (key != null) {
          view.sync(new SyncState(key.leader(), key.syncStandbys(), key.quorum(), revision));
        }
        plan =
            SynchronousReplication.next(config.build(), LEADER, view.build(), observed, wal, names);
        pending.addAll(plan.steps());
      }
      // A streaming standby receives and flushes WAL as it is written, some slowly.
      for (SimulatedStandby c : standbys.values()) {
        if (c.connected && c.streaming && random.nextInt(100) < c.speed) {
          c.flush = random.nextBoolean() ? wal : Math.min(wal, c.flush + 10);
        }
      }
      if (commitWaiting && confirmed(names, standbys, wal)) {
        acknowledged = wal;
        commitWaiting = false;
      }
      String where =
          "seed " + seed + ", event " + event + ", plan " + (plan == null ? "-" : plan.reason());
      checkPromise(where, key, standbys, acknowledged);
      checkFailover(where, random, config.build(), key, standbys, acknowledged);
    }
  }

  /** Whether a commit waiting now is acknowledged, as PostgreSQL decides it. */
  private static boolean confirmed(
      StandbyNames names, Map<String, SimulatedStandby> standbys, long wal) {
    if (names.isNone()) {
      return true;
    }
    long holding =
        standbys.values().stream()
            .filter(c -> c.connected && c.streaming && c.flush >= wal)
            .filter(c -> names.anyStandby() || names.lists(c.name))
            .count();
    return holding >= names.count();
  }

  private static void checkPromise(
      String where, SyncState key, Map<String, SimulatedStandby> standbys, long acknowledged) {
    if (key == null) {
      return;
    }
    QuorumState promise = QuorumState.of(key);
    long holding =
        promise.voters().stream().filter(v -> standbys.get(v).flush >= acknowledged).count();
    assertThat(holding)
        .as("%s: the key %s promises each commit on %d voters", where, key, promise.guarantee())
        .isGreaterThanOrEqualTo(promise.guarantee());
  }

  /** The leader dies now; some of the others answer. Whoever may race must have every commit. */
  private void checkFailover(
      String where,
      Random random,
      DynamicConfig config,
      SyncState key,
      Map<String, SimulatedStandby> standbys,
      long acknowledged) {
    if (key == null) {
      return;
    }
    List<PeerPosition> answering = new ArrayList<>();
    for (SimulatedStandby c : standbys.values()) {
      if (random.nextInt(4) != 0) {
        answering.add(PeerPosition.replica(c.name, 2, c.flush));
      }
    }
    for (SimulatedStandby candidate : standbys.values()) {
      Given g =
          given()
              .config(c -> config.toBuilder())
              .me(MemberIdentity.named(candidate.name))
              .local(l -> l.walPosition(candidate.flush))
              .view(v -> v.member(running("pg-4")).member(running("pg-5")).sync(key))
              .peers(
                  answering.stream()
                      .filter(p -> !p.member().equals(candidate.name))
                      .toArray(PeerPosition[]::new));
      Decision d = g.decide();
      if (d.kinds().contains(ActionKind.ACQUIRE_LEADER)) {
        races++;
        assertThat(candidate.flush)
            .as("%s: (%s) races (%s) without every acknowledged commit", where, candidate.name, d)
            .isGreaterThanOrEqualTo(acknowledged);
      }
    }
  }

  private static Member running(String name) {
    return Member.builder(name).state("running").role(Role.REPLICA).timeline(2).build();
  }
}
