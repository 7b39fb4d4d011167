package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.FOLLOW;
import static io.pgha.core.ha.ActionKind.NOTHING;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a running replica keeps in step while it follows: the physical replication slots of the
 * members that cascade from it ({@code replicatefrom}), as Patroni's replicas do, created when such
 * a member appears and dropped (when inactive) once none has wanted them for two {@code ttl}.
 * Nothing is added while the replica changes role (a rewind, a promotion, a restart).
 */
final class ReplicaUpkeep {
  private static final Set<ActionKind> FOLLOWING = Set.of(NOTHING, FOLLOW);

  private ReplicaUpkeep() {}

  static Decision append(Situation s, Decision d) {
    if (!s.local().isReplica() || !s.config().useSlots() || !FOLLOWING.containsAll(d.kinds())) {
      return d;
    }
    long grace = TimeUnit.SECONDS.toNanos(2L * s.config().ttl());
    return s.local()
        .slots()
        .map(seen -> Slots.plan(seen, grace, s.now().nanos()))
        .filter(SlotPlan::isActive)
        .map(plan -> d.then(List.of(Action.slots(plan))))
        .orElse(d);
  }
}
