package io.pgha.core.ha;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What a synchronous standby last read of the leader's lease in etcd ({@code LeaseTimeToLive}, a
 * read that costs etcd no raft write), turned into the time on this member's clock before which the
 * leader last renewed it. Instants are {@link System#nanoTime()} readings.
 *
 * <p>etcd reports the remaining TTL in whole seconds, rounded down: a lease renewed within the last
 * second reads {@code granted - 1} or more, and one read at {@code remaining} has gone unrenewed
 * for more than {@code granted - remaining - 1} seconds when etcd answered, which was before the
 * answer arrived. So {@code renewedBefore = arrival - (granted - remaining - 1) s} is a bound the
 * last renewal is certainly before; readings less than a second apart tighten it to the one at
 * which the value first dropped, so that the silence is known to within the polling period. The
 * last renewal is always before the bound, so the silence measured from it is never longer than the
 * real one.
 *
 * @param leaseId the lease read (the one the leader key was on when the reading was asked for)
 * @param renewedBeforeNanos the lease was last renewed before this instant; empty when the reading
 *     showed it renewed within the last second (the leader is alive)
 * @param askedAtNanos when the latest reading was asked for
 * @param readAtNanos when the latest reading arrived (a reading that failed changes nothing, so an
 *     etcd this member cannot reach leaves this instant to age)
 */
public record LeaderLease(
    long leaseId, OptionalLong renewedBeforeNanos, long askedAtNanos, long readAtNanos) {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  public LeaderLease {
    renewedBeforeNanos = Objects.requireNonNullElse(renewedBeforeNanos, OptionalLong.empty());
  }

  /**
   * The lease as known after a new reading.
   *
   * @param previous what the readings before said (of this lease or another)
   * @param leaseId the lease read
   * @param grantedSeconds its granted TTL
   * @param remainingSeconds the TTL left, rounded down by etcd; negative when the lease is gone
   * @param askedAtNanos when the reading was asked for
   * @param readAtNanos when it arrived
   */
  public static LeaderLease afterReading(
      Optional<LeaderLease> previous,
      long leaseId,
      long grantedSeconds,
      long remainingSeconds,
      long askedAtNanos,
      long readAtNanos) {
    if (remainingSeconds < 0) {
      // Gone: it expired, so its last renewal was at least a whole ttl ago.
      return new LeaderLease(
          leaseId,
          OptionalLong.of(readAtNanos - grantedSeconds * SECOND),
          askedAtNanos,
          readAtNanos);
    }
    if (remainingSeconds >= grantedSeconds - 1) {
      return new LeaderLease(leaseId, OptionalLong.empty(), askedAtNanos, readAtNanos);
    }
    long bound = readAtNanos - (grantedSeconds - remainingSeconds - 1) * SECOND;
    // Two readings less than a second apart with no fresh one: a renewal between them would have
    // shown as one (remaining >= granted - 1), so the earlier bound still holds and is tighter.
    Optional<LeaderLease> before =
        previous
            .filter(p -> p.leaseId == leaseId)
            .filter(p -> p.renewedBeforeNanos.isPresent())
            .filter(p -> readAtNanos - p.askedAtNanos < SECOND);
    if (before.isPresent() && before.get().renewedBeforeNanos.getAsLong() - bound < 0) {
      bound = before.get().renewedBeforeNanos.getAsLong();
    }
    return new LeaderLease(leaseId, OptionalLong.of(bound), askedAtNanos, readAtNanos);
  }

  /** How long, at {@code nowNanos}, the lease has at least gone without renewal (0 when fresh). */
  public long silentForNanos(long nowNanos) {
    return renewedBeforeNanos.isPresent()
        ? Math.max(0, nowNanos - renewedBeforeNanos.getAsLong())
        : 0;
  }
}
