package io.pgha.core.ha;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The replication slots to change: one physical slot per member streaming from this one, as Patroni
 * keeps them, and the permanent ones on the leader.
 *
 * @param create physical slots to create (a member without one, a permanent slot)
 * @param drop physical slots to drop (inactive, and no member key has named them for two ttl)
 * @param reason one plain sentence, the log line
 * @param createLogical permanent logical slots to create, by name
 */
public record SlotPlan(
    List<String> create,
    List<String> drop,
    String reason,
    Map<String, PermanentSlots.LogicalSlot> createLogical)
    implements Action.Payload {

  public SlotPlan {
    create = List.copyOf(create);
    drop = List.copyOf(drop);
    Objects.requireNonNull(reason, "reason");
    createLogical = Collections.unmodifiableMap(new TreeMap<>(createLogical));
  }

  /** A plan for physical slots only. */
  public SlotPlan(List<String> create, List<String> drop, String reason) {
    this(create, drop, reason, Map.of());
  }

  /** Whether there is something to do. */
  public boolean isActive() {
    return !create.isEmpty() || !drop.isEmpty() || !createLogical.isEmpty();
  }
}
