package io.pgha.core.ha;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The peers that answered the loop this cycle, by name. A peer that is absent did not answer in
 * time and counts as unreachable.
 *
 * @param byMember peer name to its position
 */
public record PeerPositions(Map<String, PeerPosition> byMember) {

  private static final PeerPositions NONE = new PeerPositions(Map.of());

  public PeerPositions {
    byMember = Collections.unmodifiableMap(new TreeMap<>(byMember));
  }

  /** Nobody answered (or nobody was asked). */
  public static PeerPositions none() {
    return NONE;
  }

  /** The positions given. */
  public static PeerPositions of(PeerPosition... positions) {
    Map<String, PeerPosition> map = new TreeMap<>();
    for (PeerPosition position : positions) {
      map.put(position.member(), position);
    }
    return new PeerPositions(map);
  }

  /** The peer's position, if it answered. */
  public Optional<PeerPosition> get(String member) {
    return Optional.ofNullable(byMember.get(member));
  }
}
