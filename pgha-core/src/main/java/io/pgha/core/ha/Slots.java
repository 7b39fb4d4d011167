package io.pgha.core.ha;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The physical replication slots of the leader, or of a replica others cascade from, as Patroni
 * keeps them: one per member that streams from it (and the leader's permanent ones), created when a
 * member appears, dropped (when inactive) once no member key has named it for two {@code ttl}, so
 * that a departed member does not make the primary keep WAL forever, while a member that is being
 * cloned (its slot made by pg_basebackup before its key exists) or briefly away keeps its slot.
 */
final class Slots {
  private Slots() {}

  static SlotPlan plan(SlotsSeen seen, long graceNanos, long nowNanos) {
    return plan(seen, Map.of(), graceNanos, nowNanos);
  }

  /** The plan, with the permanent logical slots the leader keeps. */
  static SlotPlan plan(
      SlotsSeen seen,
      Map<String, PermanentSlots.LogicalSlot> logical,
      long graceNanos,
      long nowNanos) {
    Map<String, PermanentSlots.LogicalSlot> createLogical = new TreeMap<>(logical);
    createLogical.keySet().removeAll(seen.logicalPresent());
    createLogical.keySet().removeAll(seen.present());
    List<String> create =
        new TreeSet<>(seen.wanted()).stream().filter(n -> !seen.present().contains(n)).toList();
    List<String> drop =
        new TreeSet<>(seen.unusedSinceNanos().keySet())
            .stream()
                .filter(n -> seen.present().contains(n) && !seen.wanted().contains(n))
                .filter(n -> nowNanos - seen.unusedSinceNanos().get(n) > graceNanos)
                .toList();
    String reason =
        (createLogical.isEmpty()
                ? ""
                : "creating permanent logical slots "
                    + createLogical.keySet()
                    + (create.isEmpty() && drop.isEmpty() ? "" : "; "))
            + (create.isEmpty() ? "" : "creating replication slots " + create)
            + (create.isEmpty() || drop.isEmpty() ? "" : "; ")
            + (drop.isEmpty()
                ? ""
                : "dropping replication slots " + drop + ": no member has used them for two ttl");
    return new SlotPlan(
        create,
        drop,
        reason.isEmpty() ? "replication slots as they should be" : reason,
        createLogical);
  }
}
