package io.pgha.core.ha;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The replication slots of the leader, or of a replica others cascade from, as observed this cycle.
 *
 * @param wanted the physical slots it should keep: those of the members streaming from it
 *     (Patroni's naming) and, on the leader, the permanent ones
 * @param present the physical slots on the server
 * @param unusedSinceNanos for each present slot that is inactive and not wanted: since when it has
 *     been seen so ({@link System#nanoTime()})
 * @param logicalPresent the logical slots on the server
 * @param positions where each slot's consumer is (logical: confirmed flush, physical: restart
 *     position), for those that have one
 * @param logicalKept the logical slots never to drop: those a connection uses and those {@code
 *     ignore_slots} covers
 */
public record SlotsSeen(
    Set<String> wanted,
    Set<String> present,
    Map<String, Long> unusedSinceNanos,
    Set<String> logicalPresent,
    Map<String, Long> positions,
    Set<String> logicalKept) {
  public SlotsSeen {
    wanted = Set.copyOf(wanted);
    present = Set.copyOf(present);
    unusedSinceNanos = Map.copyOf(unusedSinceNanos);
    logicalPresent = Set.copyOf(logicalPresent);
    positions = Map.copyOf(positions);
    logicalKept = Set.copyOf(logicalKept);
  }

  /** Seen without logical slots in use or ignored. */
  public SlotsSeen(
      Set<String> wanted,
      Set<String> present,
      Map<String, Long> unusedSinceNanos,
      Set<String> logicalPresent,
      Map<String, Long> positions) {
    this(wanted, present, unusedSinceNanos, logicalPresent, positions, Set.of());
  }

  /**
   * The copies of the permanent logical slots {@code wanted} present here that are behind where the
   * leader says its slot is ({@code leader}: integer LSNs by name), with where to move them.
   */
  public Map<String, SlotPlan.LogicalAdvance> behind(
      Map<String, PermanentSlots.LogicalSlot> wanted, Map<String, Long> leader) {
    Map<String, SlotPlan.LogicalAdvance> advance = new TreeMap<>();
    wanted.forEach(
        (name, slot) -> {
          Long target = leader.get(name);
          Long position = positions.get(name);
          if (target != null
              && logicalPresent.contains(name)
              && (position == null || Long.compareUnsigned(position, target) < 0)) {
            advance.put(name, new SlotPlan.LogicalAdvance(slot.database(), target));
          }
        });
    return advance;
  }

  /** Physical slots only seen, without positions. */
  public SlotsSeen(Set<String> wanted, Set<String> present, Map<String, Long> unusedSinceNanos) {
    this(wanted, present, unusedSinceNanos, Set.of(), Map.of());
  }
}
