package io.pgha.core.ha;

import java.util.Map;
import java.util.Objects;

/**
 * A failsafe heartbeat this member accepted: the leader, cut off from etcd, told it over the API
 * that it still runs as primary, and this member promised not to race for the leader key for one
 * {@code ttl} after hearing it.
 *
 * @param leader the member that sent it
 * @param receivedAtNanos when it was accepted ({@link System#nanoTime()})
 * @param slots the positions of the leader's permanent slots it carried (integer LSNs, by name), as
 *     the {@code status} key publishes them while etcd answers
 */
public record FailsafeContact(String leader, long receivedAtNanos, Map<String, Long> slots) {
  public FailsafeContact {
    Objects.requireNonNull(leader, "leader");
    slots = slots == null ? Map.of() : Map.copyOf(slots);
  }

  /** A heartbeat without slot positions. */
  public FailsafeContact(String leader, long receivedAtNanos) {
    this(leader, receivedAtNanos, Map.of());
  }
}
