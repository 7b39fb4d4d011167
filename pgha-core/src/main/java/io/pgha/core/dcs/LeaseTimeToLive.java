package io.pgha.core.dcs;

/**
 * What etcd says of a lease ({@code LeaseTimeToLive}): answered by the etcd leader from its lessor,
 * a read that costs no raft write.
 *
 * @param leaseId the lease asked about
 * @param grantedSeconds the TTL it was granted with
 * @param remainingSeconds the seconds left before it expires, rounded down; negative when etcd no
 *     longer knows the lease (expired or revoked)
 */
public record LeaseTimeToLive(long leaseId, long grantedSeconds, long remainingSeconds) {
  /** Whether the lease no longer exists. */
  public boolean gone() {
    return remainingSeconds < 0;
  }
}
