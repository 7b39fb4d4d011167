package io.pgha.core.ha;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replays random histories of standbys disconnecting, reconnecting, catching up and commits, with
 * the leader applying {@link SynchronousReplication}'s plans step by step, against a small model of
 * PostgreSQL's synchronous replication, and checks after every event the invariant the {@code sync}
 * key exists for: every standby it names has flushed every acknowledged commit.
 */
class SynchronousReplicationSimulationTest {
  private static final String LEADER = "pg-1";
  private static final List<String> STANDBYS = List.of("pg-2", "pg-3", "pg-4");

  @Test
  void theKeyOnlyEverNamesStandbysWithEveryAcknowledgedCommit() {
    for (int seed = 0; seed < 300; seed++) {
      replay(new Random(seed), seed);
    }
  }

  private static void replay(Random random, int seed) {
    DynamicConfig config =
        DynamicConfig.builder()
            .synchronousMode(SynchronousMode.ON)
            .synchronousModeStrict(random.nextBoolean())
            .synchronousNodeCount(1 + random.nextInt(2))
            .build();
    Map<String, SimulatedStandby> standbys = new LinkedHashMap<>();
    STANDBYS.forEach(n -> standbys.put(n, new SimulatedStandby(n, 0, 50)));
    Map<String, Long> syncSince = new HashMap<>(); // keeper memory: "name#walSender" -> position
    long wal = 0;
    long acknowledged = 0;
    boolean commitWaiting = false;
    List<String> key = List.of();
    boolean keyExists = false;
    long revision = 0;
    StandbyNames names = StandbyNames.none();
    // Steps of the last plan not yet performed: commits and failures happen between two steps.
    List<SyncStep> pending = new ArrayList<>();

    SyncPlan plan = null;
    for (int event = 0; event < 400; event++) {
      int what = random.nextInt(10);
      SimulatedStandby s = standbys.get(STANDBYS.get(random.nextInt(STANDBYS.size())));
      if (what == 0 && s.connected) {
        s.disconnect();
      } else if (what == 1 && !s.connected) {
        s.reconnect();
      } else if (what <= 3) {
        for (SimulatedStandby c : standbys.values()) {
          c.catchUp(wal);
        }
      } else if (what <= 6) {
        if (!commitWaiting) {
          wal += 10;
          commitWaiting = true;
        }
      } else if (!pending.isEmpty()) {
        SyncStep step = pending.remove(0);
        if (random.nextInt(5) == 0) {
          pending.clear(); // the agent failed between two steps
        } else if (step instanceof WriteSyncKey w) {
          if (w.expectedRevision() != (keyExists ? revision : 0)) {
            pending.clear(); // compare-and-swap failed
          } else {
            key = w.sync().syncStandbys();
            keyExists = true;
            revision++;
          }
        } else if (step instanceof SetStandbyNames n) {
          names = n.names();
        }
      } else {
        // The leader's cycle: observe and decide; the steps follow, one per event.
        List<StandbyConnection> observed = new ArrayList<>();
        SimulatedStandby firstStreaming = null;
        long position = wal; // read after pg_stat_replication; nothing moves in between here
        for (SimulatedStandby c : standbys.values()) {
          if (!c.connected) {
            continue;
          }
          String syncState = syncState(c, names, firstStreaming);
          if (firstStreaming == null && c.streaming) {
            firstStreaming = c;
          }
          String id = c.walSenderId();
          OptionalLong since = OptionalLong.empty();
          if (syncState.equals("sync")) {
            since = OptionalLong.of(syncSince.computeIfAbsent(id, k -> position));
          } else {
            syncSince.remove(id);
          }
          observed.add(
              new StandbyConnection(
                  c.name, c.streaming ? "streaming" : "catchup", syncState, c.flush, since));
        }
        ClusterView.Builder view = ClusterView.builder().leader(LEADER).member(running(LEADER));
        STANDBYS.forEach(n -> view.member(running(n)));
        if (keyExists) {
          view.sync(new SyncState(Optional.of(LEADER), key, OptionalInt.empty(), revision));
        }
        plan = SynchronousReplication.next(config, LEADER, view.build(), observed, wal, names);
        pending.addAll(plan.steps());
      }
      // A streaming standby receives and flushes WAL as it is written, with some delay.
      for (SimulatedStandby c : standbys.values()) {
        if (c.connected && c.streaming && random.nextBoolean()) {
          c.flush = wal;
        }
      }
      if (commitWaiting && confirmed(names, standbys, wal)) {
        acknowledged = wal;
        commitWaiting = false;
      }
      check(seed, event, plan, key, standbys, acknowledged);
    }
  }

  /**
   * PostgreSQL's view: the first streaming standby for '*', every named streaming one for a list.
   */
  private static String syncState(
      SimulatedStandby c, StandbyNames names, SimulatedStandby firstStreaming) {
    if (!c.streaming) {
      return "async";
    }
    if (names.anyStandby()) {
      return firstStreaming == null ? "sync" : "potential";
    }
    return names.names(c.name) ? "sync" : "async";
  }

  /** Whether a commit waiting now is acknowledged, as PostgreSQL decides it. */
  private static boolean confirmed(
      StandbyNames names, Map<String, SimulatedStandby> standbys, long wal) {
    if (names.isNone()) {
      return true;
    }
    if (names.anyStandby()) {
      return standbys.values().stream().anyMatch(c -> c.connected && c.streaming && c.flush >= wal);
    }
    return names.names().stream()
        .map(standbys::get)
        .allMatch(c -> c != null && c.connected && c.streaming && c.flush >= wal);
  }

  private static void check(
      int seed,
      int event,
      SyncPlan plan,
      List<String> key,
      Map<String, SimulatedStandby> standbys,
      long acknowledged) {
    for (String name : key) {
      assertThat(standbys.get(name).flush)
          .as(
              "seed %d, event %d, plan %s: (%s) is in the sync key but has not flushed every"
                  + " acknowledged commit",
              seed, event, plan == null ? "-" : plan.reason(), name)
          .isGreaterThanOrEqualTo(acknowledged);
    }
  }

  private static Member running(String name) {
    return Member.builder(name).state("running").role(Role.REPLICA).timeline(2).build();
  }
}
