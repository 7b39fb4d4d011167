package io.pgha.core.dcs;

/**
 * What this member knows about its own etcd lease, on the {@link System#nanoTime()} clock.
 *
 * @param leaseId the etcd lease id (0 before the first grant or after the lease was lost)
 * @param ttlSeconds the lease TTL
 * @param lastConfirmedSendNanos when the last keep-alive (or grant) that etcd confirmed was sent
 * @param deadlineNanos {@code lastConfirmedSendNanos + ttl - safety margin}: until then the lease
 *     is certainly alive in etcd, and a little longer
 */
public record LeaseStatus(
    long leaseId, long ttlSeconds, long lastConfirmedSendNanos, long deadlineNanos) {

  static final LeaseStatus NONE = new LeaseStatus(0, 0, 0, 0);

  /** Whether the lease may still be counted on at {@code nowNanos}. */
  public boolean isValidAt(long nowNanos) {
    return leaseId != 0 && nowNanos - deadlineNanos < 0;
  }

  /** Nanoseconds left until the deadline at {@code nowNanos} (negative once passed). */
  public long remainingNanos(long nowNanos) {
    return leaseId == 0 ? -1 : deadlineNanos - nowNanos;
  }
}
