package io.pgha.core.ha;

import io.pgha.patroni.ClusterStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A replica's logical slots, as Patroni 3 keeps them so that logical consumers carry on after a
 * failover: a replica that may lead keeps a copy of each permanent logical slot. It copies the slot
 * from the leader once the leader publishes the slot's position in the {@code status} key (which
 * needs a restart of the replica's PostgreSQL, {@link ActionKind#COPY_LOGICAL_SLOTS}), then moves
 * the copy forward to each position the leader publishes. Any other logical slot on a replica (not
 * in use, not covered by {@code ignore_slots}) is dropped, as Patroni drops every slot it does not
 * keep: a standby's logical slot that nobody moves keeps WAL forever. Nothing is dropped while the
 * cluster is paused.
 *
 * @param copy the permanent logical slots to copy from the leader
 * @param advance the copies to move forward, by name
 * @param drop the logical slots to drop
 */
record ReplicaLogicalSlots(
    List<String> copy, Map<String, SlotPlan.LogicalAdvance> advance, List<String> drop) {

  ReplicaLogicalSlots {
    copy = List.copyOf(copy);
    advance = Map.copyOf(advance);
    drop = List.copyOf(drop);
  }

  /** On a replica; {@code keep} is false on a standby cluster's leader, which keeps none. */
  static ReplicaLogicalSlots plan(Situation s, SlotsSeen seen, boolean keep) {
    Map<String, PermanentSlots.LogicalSlot> wanted =
        keep && s.me().tags().isFailoverCandidate()
            ? PermanentSlots.of(s.config()).logical()
            : Map.of();
    Map<String, Long> published = s.view().status().map(ClusterStatus::slots).orElse(Map.of());
    List<String> copy =
        wanted.keySet().stream()
            .filter(published::containsKey)
            .filter(n -> !seen.logicalPresent().contains(n) && !seen.present().contains(n))
            .sorted()
            .toList();
    Map<String, SlotPlan.LogicalAdvance> advance = new TreeMap<>();
    wanted.forEach(
        (name, slot) -> {
          Long target = published.get(name);
          Long position = seen.positions().get(name);
          if (target != null
              && seen.logicalPresent().contains(name)
              && (position == null || Long.compareUnsigned(position, target) < 0)) {
            advance.put(name, new SlotPlan.LogicalAdvance(slot.database(), target));
          }
        });
    Set<String> drop = new TreeSet<>();
    if (!s.paused()) {
      seen.logicalPresent().stream()
          .filter(n -> !wanted.containsKey(n) && !seen.logicalKept().contains(n))
          .forEach(drop::add);
    }
    return new ReplicaLogicalSlots(copy, advance, List.copyOf(drop));
  }
}
