package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.FOLLOW;
import static io.pgha.core.ha.ActionKind.NOTHING;
import static io.pgha.core.ha.ActionKind.WAIT;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a running replica keeps in step while it follows: the physical replication slots of the
 * members that cascade from it ({@code replicatefrom}), as Patroni's replicas do, created when such
 * a member appears and dropped (when inactive) once none has wanted them for two {@code ttl}; and
 * its copies of the permanent logical slots ({@link ReplicaLogicalSlots}). Nothing is added while
 * the replica changes role (a rewind, a promotion, a restart); a copy, which restarts PostgreSQL,
 * only in a cycle that has nothing else to do, and not while the cluster is paused.
 */
final class ReplicaUpkeep {
  private static final Set<ActionKind> FOLLOWING = Set.of(NOTHING, FOLLOW);

  private ReplicaUpkeep() {}

  static Decision append(Situation s, Decision d) {
    if (!s.local().isReplica() || !s.config().useSlots() || s.local().slots().isEmpty()) {
      return d;
    }
    SlotsSeen seen = s.local().slots().get();
    if (!FOLLOWING.containsAll(d.kinds())) {
      return advancingOnHeartbeat(s, d, seen);
    }
    long grace = TimeUnit.SECONDS.toNanos(2L * s.config().ttl());
    ReplicaLogicalSlots logical = ReplicaLogicalSlots.plan(s, seen, true);
    SlotPlan plan =
        Slots.plan(seen, grace, s.now().nanos())
            .withReplicaLogical(logical.advance(), logical.drop());
    List<Action> upkeep = new ArrayList<>();
    if (plan.isActive()) {
      upkeep.add(Action.slots(plan));
    }
    Optional<String> leader = s.otherLeader();
    boolean copies =
        !logical.copy().isEmpty()
            && leader.isPresent()
            && !s.paused()
            && d.kinds().equals(List.of(NOTHING));
    if (!copies) {
      return d.then(upkeep);
    }
    upkeep.add(Action.copyLogicalSlots(leader.get(), new LogicalSlotCopy(logical.copy())));
    return d.then(upkeep)
        .explainedFurther(
            "copying permanent logical slots "
                + logical.copy()
                + " from the leader ("
                + leader.get()
                + "), which restarts PostgreSQL");
  }

  /**
   * A replica waiting for etcd (its view older than {@code ttl}) while the leader's failsafe
   * heartbeats arrive moves its copies of the permanent logical slots to the positions they carry,
   * as Patroni's replicas do on a DCS error; nothing else (no slot created, copied or dropped from
   * a view that old).
   */
  private static Decision advancingOnHeartbeat(Situation s, Decision d, SlotsSeen seen) {
    if (!s.viewIsStale()
        || !d.kinds().equals(List.of(WAIT))
        || Failsafe.freshContact(s).isEmpty()) {
      return d;
    }
    Map<String, SlotPlan.LogicalAdvance> advance =
        ReplicaLogicalSlots.plan(s, seen, true).advance();
    if (advance.isEmpty()) {
      return d;
    }
    return d.then(
        List.of(
            Action.slots(
                new SlotPlan(List.of(), List.of(), "").withReplicaLogical(advance, List.of()))));
  }
}
