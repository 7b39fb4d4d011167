package io.pgha.patroni;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * pgha's own {@code drain} key: a leader about to hand over asks clients to hold new write
 * transactions back for at most {@code timeout}. Patroni's tools ignore the key.
 *
 * @param leader the leader that drains
 * @param successor the member expected to take over, if known
 * @param timeout how long clients hold writes back at most
 */
public record Drain(String leader, Optional<String> successor, Duration timeout) {
  /**
   * The longest a drain holds writes back: the key can be written by anyone with write access to
   * etcd, and clients must not stall for as long as such a writer asks. A hand-over's drain is
   * {@code drain_timeout} plus {@code ttl}, half a minute with the defaults.
   */
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

  public Drain {
    Objects.requireNonNull(leader, "leader");
    successor = Objects.requireNonNullElse(successor, Optional.empty());
    Objects.requireNonNull(timeout, "timeout");
  }
}
