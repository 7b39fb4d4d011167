package io.pgha.core.ha;

import java.util.Objects;

/**
 * A fast takeover from a silent leader, as observed: the one etcd transaction that takes the leader
 * key and rewrites the {@code sync} key succeeds only if neither key changed since.
 *
 * @param leader the member whose lease went silent
 * @param leaderModRevision the leader key's mod revision as observed
 * @param syncModRevision the {@code sync} key's mod revision as observed
 * @param silentForMillis how long the leader's lease had gone without a renewal at the decision
 */
public record Takeover(
    String leader, long leaderModRevision, long syncModRevision, long silentForMillis)
    implements Action.Payload {
  public Takeover {
    Objects.requireNonNull(leader, "leader");
  }
}
