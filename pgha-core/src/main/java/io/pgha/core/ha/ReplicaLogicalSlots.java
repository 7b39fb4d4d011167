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
 * the copy forward to each position the leader publishes, or, in failsafe mode, sends in the
 * heartbeat this member accepted within the last {@code ttl} (Patroni 3.0.2 replaces the published
 * positions by the heartbeat's; here the later of the two counts, a copy never moves back). Any
 * other logical slot on a replica (not in use, not covered by {@code ignore_slots}) is dropped, as
 * Patroni drops every slot it does not keep: a standby's logical slot that nobody moves keeps WAL
 * forever. Nothing is dropped while the cluster is paused.
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
    Map<String, Long> published = published(s);
    List<String> copy =
        wanted.keySet().stream()
            .filter(published::containsKey)
            .filter(n -> !seen.logicalPresent().contains(n) && !seen.present().contains(n))
            .sorted()
            .toList();
    Map<String, SlotPlan.LogicalAdvance> advance = seen.behind(wanted, published);
    Set<String> drop = new TreeSet<>();
    if (!s.paused()) {
      seen.logicalPresent().stream()
          .filter(n -> !wanted.containsKey(n) && !seen.logicalKept().contains(n))
          .forEach(drop::add);
    }
    return new ReplicaLogicalSlots(copy, advance, List.copyOf(drop));
  }

  /** The leader's slot positions: the {@code status} key's, moved on by a fresh heartbeat's. */
  private static Map<String, Long> published(Situation s) {
    Map<String, Long> published =
        new TreeMap<>(s.view().status().map(ClusterStatus::slots).orElse(Map.of()));
    Failsafe.freshContact(s)
        .ifPresent(
            c ->
                c.slots()
                    .forEach(
                        (name, lsn) ->
                            published.merge(
                                name, lsn, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b)));
    return published;
  }
}
