package io.pgha.core.ha;

import java.util.Objects;

/**
 * A failsafe heartbeat this member accepted: the leader, cut off from etcd, told it over the API
 * that it still runs as primary, and this member promised not to race for the leader key for one
 * {@code ttl} after hearing it.
 *
 * @param leader the member that sent it
 * @param receivedAtNanos when it was accepted ({@link System#nanoTime()})
 */
public record FailsafeContact(String leader, long receivedAtNanos) {
  public FailsafeContact {
    Objects.requireNonNull(leader, "leader");
  }
}
