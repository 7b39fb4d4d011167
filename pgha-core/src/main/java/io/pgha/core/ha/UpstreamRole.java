package io.pgha.core.ha;

/**
 * What {@link ActionKind#FOLLOW} is told of the member it names, since following it differs: the
 * leader's history is compared with ours (and we rejoin, rewinding, when they diverged); a
 * cascading upstream's is not.
 */
public enum UpstreamRole implements Action.Payload {
  /** The member named holds the leader key. */
  LEADER,
  /** The member named is a replica this one streams from ({@code replicatefrom}). */
  CASCADE
}
