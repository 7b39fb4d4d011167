package io.pgha.core.ha;

import java.util.Map;
import java.util.Set;

/**
 * The leader's physical replication slots as observed this cycle.
 *
 * @param wanted the slot names of the other members in the view (Patroni's naming)
 * @param present the physical slots on the server
 * @param unusedSinceNanos for each present slot that is inactive and not wanted: since when it has
 *     been seen so ({@link System#nanoTime()})
 */
public record SlotsSeen(
    Set<String> wanted, Set<String> present, Map<String, Long> unusedSinceNanos) {
  public SlotsSeen {
    wanted = Set.copyOf(wanted);
    present = Set.copyOf(present);
    unusedSinceNanos = Map.copyOf(unusedSinceNanos);
  }
}
