package io.pgha.core.ha;

import java.util.List;

/**
 * The permanent logical slots a replica copies from the leader ({@link
 * ActionKind#COPY_LOGICAL_SLOTS}): those the leader publishes a position for in the {@code status}
 * key and the replica lacks.
 *
 * @param slots their names
 */
public record LogicalSlotCopy(List<String> slots) implements Action.Payload {
  public LogicalSlotCopy {
    slots = List.copyOf(slots);
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("a copy names at least one slot");
    }
  }
}
