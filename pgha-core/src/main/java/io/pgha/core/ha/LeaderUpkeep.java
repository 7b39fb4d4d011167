package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.ADOPT_EXISTING_DATA;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.RENEW;
import static io.pgha.core.ha.ActionKind.REWIND_AND_FOLLOW;
import static io.pgha.core.ha.ActionKind.STOP_CLEANLY;
import static io.pgha.core.ha.ActionKind.WRITE_MISSING_CONFIG;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the leader running read-write keeps in step after it confirmed or took the key, in every
 * cycle: the {@code config} and {@code initialize} keys when there are none, the {@code failsafe}
 * key, one replication slot per member, synchronous replication. These come last in the plan, so
 * they happen only once the key is confirmed. The standby leader of a standby cluster keeps the
 * {@code config} key and its members' slots only.
 *
 * <p>As Patroni's leader, paused or not, it writes its bootstrap configuration to a missing {@code
 * config} key (only if still absent): after it claimed the cluster with a data directory it had (no
 * bootstrap wrote the key), or after an operator deleted the key. Otherwise every member would run
 * on its own bootstrap configuration, and {@code GET /config} would answer with defaults.
 */
final class LeaderUpkeep {
  private static final Set<ActionKind> GIVES_UP =
      Set.of(RELEASE_LEADERSHIP, DEMOTE, STOP_CLEANLY, REWIND_AND_FOLLOW);

  private LeaderUpkeep() {}

  static Decision append(Situation s, Decision d) {
    if (!keepsTheKey(s, d)) {
      return d;
    }
    if (s.config().isStandbyCluster() && s.local().isReplica()) {
      return d.then(missingConfig(s)).then(StandbyLeader.upkeep(s));
    }
    if (!s.local().isReadWrite()) {
      return d;
    }
    List<Action> upkeep = new ArrayList<>(missingConfig(s));
    Failsafe.keyUpdate(s.view(), s.config())
        .map(FailsafeKey::new)
        .map(Action::failsafeKey)
        .ifPresent(upkeep::add);
    slots(s).ifPresent(upkeep::add);
    // A view from the watched cache may not have seen our own last write to the sync key yet: a
    // plan made from it could take a standby out of synchronous_standby_names while the key still
    // names it. So no plan when etcd could not be read; a plan made from the watched view in a
    // cycle that did not read is not steady, so the loop verifies the view and plans again.
    if (!s.local().etcdReadFailed()) {
      SyncPlan sync =
          SynchronousReplication.next(
              s.config(),
              s.name(),
              s.view(),
              s.local().standbys(),
              s.local().walPosition(),
              s.local().synchronousStandbyNames());
      if (sync.isActive()) {
        upkeep.add(Action.sync(sync));
      }
    }
    // Last: it fails when another member wrote the key first, which ends the plan.
    missingInitialize(s).ifPresent(upkeep::add);
    return d.then(upkeep);
  }

  private static List<Action> missingConfig(Situation s) {
    return s.view().config().isEmpty() ? List.of(Action.of(WRITE_MISSING_CONFIG)) : List.of();
  }

  /**
   * As Patroni's leader: an {@code initialize} key deleted (an operator's {@code patronictl
   * remove}) is written again with this primary's system identifier, only if still absent.
   */
  private static java.util.Optional<Action> missingInitialize(Situation s) {
    return s.view().isInitialized()
            || s.local().systemIdentifier().isEmpty()
            || !s.me().tags().isFailoverCandidate()
        ? java.util.Optional.empty()
        : java.util.Optional.of(Action.of(ADOPT_EXISTING_DATA));
  }

  private static java.util.Optional<Action> slots(Situation s) {
    if (!s.config().useSlots()) {
      return java.util.Optional.empty();
    }
    long grace = TimeUnit.SECONDS.toNanos(2L * s.config().ttl());
    return s.local()
        .slots()
        .map(
            seen ->
                Slots.plan(seen, PermanentSlots.of(s.config()).logical(), grace, s.now().nanos()))
        .filter(SlotPlan::isActive)
        .map(Action::slots);
  }

  private static boolean keepsTheKey(Situation s, Decision d) {
    List<ActionKind> kinds = d.kinds();
    boolean confirmsTheKey = s.iAmLeader() ? kinds.contains(RENEW) : kinds.get(0) == ACQUIRE_LEADER;
    return confirmsTheKey && kinds.stream().noneMatch(GIVES_UP::contains);
  }
}
