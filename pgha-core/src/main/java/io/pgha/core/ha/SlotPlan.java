package io.pgha.core.ha;

import java.util.List;
import java.util.Objects;

/**
 * The leader's physical replication slots to change: one per other member, as Patroni keeps them.
 *
 * @param create slots to create (a member without one)
 * @param drop slots to drop (inactive, and no member key has named them for two ttl)
 * @param reason one plain sentence, the log line
 */
public record SlotPlan(List<String> create, List<String> drop, String reason)
    implements Action.Payload {

  public SlotPlan {
    create = List.copyOf(create);
    drop = List.copyOf(drop);
    Objects.requireNonNull(reason, "reason");
  }

  /** Whether there is something to do. */
  public boolean isActive() {
    return !create.isEmpty() || !drop.isEmpty();
  }
}
