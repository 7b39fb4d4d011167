package io.pgha.core.ha;

import java.util.Objects;

/**
 * A peer's state as the loop just asked it (over its HTTP API or its PostgreSQL), fresher than its
 * member key, which can be a loop old.
 *
 * @param member the peer's name
 * @param primary the peer's PostgreSQL runs read-write
 * @param timeline the peer's timeline (0 when unknown)
 * @param walPosition the peer's WAL position (integer LSN; write position on a primary, furthest of
 *     received and replayed on a replica)
 */
public record PeerPosition(String member, boolean primary, int timeline, long walPosition) {
  public PeerPosition {
    Objects.requireNonNull(member, "member");
  }

  /** A running replica at {@code walPosition} on {@code timeline}. */
  public static PeerPosition replica(String member, int timeline, long walPosition) {
    return new PeerPosition(member, false, timeline, walPosition);
  }
}
