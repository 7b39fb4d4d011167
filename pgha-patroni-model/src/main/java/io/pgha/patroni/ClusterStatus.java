package io.pgha.patroni;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The {@code status} key, written by the leader after renewals.
 *
 * @param optime {@code optime}: the leader's last known WAL position (integer LSN)
 * @param slots {@code slots}: replication slot name to its confirmed LSN
 * @param retainSlots {@code retain_slots}: slot names members still need
 */
public record ClusterStatus(
    OptionalLong optime, Map<String, Long> slots, List<String> retainSlots) {

  public ClusterStatus {
    optime = optime == null ? OptionalLong.empty() : optime;
    slots = slots == null ? Map.of() : Map.copyOf(slots);
    retainSlots = retainSlots == null ? List.of() : List.copyOf(retainSlots);
  }

  /** A status with just an optime. */
  public static ClusterStatus ofOptime(long optime) {
    return new ClusterStatus(OptionalLong.of(optime), Map.of(), List.of());
  }
}
