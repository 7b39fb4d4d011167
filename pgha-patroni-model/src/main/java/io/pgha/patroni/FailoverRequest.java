package io.pgha.patroni;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The {@code failover} key: a requested switchover (with a {@code leader}) or manual failover
 * (candidate only), now or at {@code scheduled_at}.
 *
 * @param leader {@code leader}: the member to move away from (switchover)
 * @param candidate {@code member}: the member to promote; absent means "the best one"
 * @param scheduledAt {@code scheduled_at}, with its zone; absent means now
 * @param modRevision etcd mod revision, for compare-and-swap on clear (0 when not from etcd)
 */
public record FailoverRequest(
    Optional<String> leader,
    Optional<String> candidate,
    Optional<OffsetDateTime> scheduledAt,
    long modRevision) {

  public FailoverRequest {
    leader = leader == null ? Optional.empty() : leader;
    candidate = candidate == null ? Optional.empty() : candidate;
    scheduledAt = scheduledAt == null ? Optional.empty() : scheduledAt;
  }

  /** A switchover away from {@code leader} to {@code candidate} (null for the best), now. */
  public static FailoverRequest switchover(String leader, String candidate) {
    return new FailoverRequest(
        Optional.of(leader), Optional.ofNullable(candidate), Optional.empty(), 0);
  }

  /** A manual failover to {@code candidate}, now. */
  public static FailoverRequest failoverTo(String candidate) {
    return new FailoverRequest(Optional.empty(), Optional.of(candidate), Optional.empty(), 0);
  }

  /** The same request, scheduled. */
  public FailoverRequest at(OffsetDateTime when) {
    return new FailoverRequest(leader, candidate, Optional.of(when), modRevision);
  }

  /** {@code scheduled_at} as an instant on the time line. */
  public Optional<Instant> scheduledInstant() {
    return scheduledAt.map(OffsetDateTime::toInstant);
  }

  /** Patroni writes {@code {}} to clear the request: nothing to act on. */
  public boolean isEmpty() {
    return leader.isEmpty() && candidate.isEmpty();
  }
}
