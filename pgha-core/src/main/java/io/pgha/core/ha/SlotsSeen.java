package io.pgha.core.ha;

import java.util.Map;
import java.util.Set;

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

  /** Physical slots only seen, without positions. */
  public SlotsSeen(Set<String> wanted, Set<String> present, Map<String, Long> unusedSinceNanos) {
    this(wanted, present, unusedSinceNanos, Set.of(), Map.of());
  }
}
