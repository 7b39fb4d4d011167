package io.pgha.core.ha;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The replication slots to change: one physical slot per member streaming from this one, as Patroni
 * keeps them, the permanent ones on the leader, and on a replica the copies of the permanent
 * logical slots.
 *
 * @param create physical slots to create (a member without one, a permanent slot)
 * @param drop physical slots to drop (inactive, and no member key has named them for two ttl)
 * @param reason one plain sentence, the log line
 * @param createLogical permanent logical slots to create, by name
 * @param advanceLogical on a replica: copies of permanent logical slots to move forward to where
 *     the leader's slot is, by name
 * @param dropLogical on a replica: logical slots it does not keep (no permanent slot of that name,
 *     or it may not lead), none in use or covered by {@code ignore_slots}
 */
public record SlotPlan(
    List<String> create,
    List<String> drop,
    String reason,
    Map<String, PermanentSlots.LogicalSlot> createLogical,
    Map<String, LogicalAdvance> advanceLogical,
    List<String> dropLogical)
    implements Action.Payload {

  /**
   * Where to move a replica's copy of a permanent logical slot.
   *
   * @param database the slot's database (a logical slot is moved from a session there)
   * @param position the leader's slot's confirmed position (integer LSN)
   */
  public record LogicalAdvance(String database, long position) {}

  public SlotPlan {
    create = List.copyOf(create);
    drop = List.copyOf(drop);
    Objects.requireNonNull(reason, "reason");
    createLogical = Collections.unmodifiableMap(new TreeMap<>(createLogical));
    advanceLogical = Collections.unmodifiableMap(new TreeMap<>(advanceLogical));
    dropLogical = List.copyOf(dropLogical);
  }

  /** A plan without a replica's logical slots. */
  public SlotPlan(
      List<String> create,
      List<String> drop,
      String reason,
      Map<String, PermanentSlots.LogicalSlot> createLogical) {
    this(create, drop, reason, createLogical, Map.of(), List.of());
  }

  /** A plan for physical slots only. */
  public SlotPlan(List<String> create, List<String> drop, String reason) {
    this(create, drop, reason, Map.of());
  }

  /** Whether there is something to do. */
  public boolean isActive() {
    return !create.isEmpty()
        || !drop.isEmpty()
        || !createLogical.isEmpty()
        || !advanceLogical.isEmpty()
        || !dropLogical.isEmpty();
  }

  /** This plan with a replica's logical slots to move forward and to drop. */
  SlotPlan withReplicaLogical(Map<String, LogicalAdvance> advance, List<String> dropLogical) {
    if (advance.isEmpty() && dropLogical.isEmpty()) {
      return this;
    }
    String more =
        (advance.isEmpty() ? "" : "moving permanent logical slots " + advance.keySet() + " forward")
            + (advance.isEmpty() || dropLogical.isEmpty() ? "" : "; ")
            + (dropLogical.isEmpty()
                ? ""
                : "dropping logical slots " + dropLogical + ": not permanent slots kept here");
    return new SlotPlan(
        create,
        drop,
        isActive() ? reason + "; " + more : more,
        createLogical,
        advance,
        dropLogical);
  }
}
