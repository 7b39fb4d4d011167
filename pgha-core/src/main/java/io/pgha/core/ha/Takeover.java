package io.pgha.core.ha;

import java.util.Objects;

/**
 * A fast takeover from a silent leader, as observed: the one etcd transaction that takes the leader
 * key and rewrites the {@code sync} key succeeds only if neither key changed since.
 *
 * <p>A lease renewal changes no key, so the transaction cannot compare it: the executor reads the
 * lease again right before the transaction and sends it only if that reading is still silent
 * ({@link #stillSilent}), and reads it once more right after, to show that no renewal reached etcd
 * in between ({@link #silentWhenSent}); see fencing.md, "The health checks of a deposed leader".
 *
 * @param leader the member whose lease went silent
 * @param leaderModRevision the leader key's mod revision as observed
 * @param syncModRevision the {@code sync} key's mod revision as observed
 * @param silentForMillis how long the leader's lease had gone without a renewal at the decision
 * @param reading the reading of the leader's lease the decision was made on
 * @param silenceNanos {@code leader_silence_timeout}, the silence a takeover needs
 */
public record Takeover(
    String leader,
    long leaderModRevision,
    long syncModRevision,
    long silentForMillis,
    LeaderLease reading,
    long silenceNanos)
    implements Action.Payload {
  public Takeover {
    Objects.requireNonNull(leader, "leader");
    Objects.requireNonNull(reading, "reading");
  }

  /**
   * Whether {@code fresh}, a reading of the same lease taken right before the transaction, still
   * shows it silent for {@link #silenceNanos} when it arrived; if not, the leader renewed since the
   * decision's reading and is not taken over.
   */
  public boolean stillSilent(LeaderLease fresh) {
    return fresh.leaseId() == reading.leaseId()
        && fresh.silentForNanos(fresh.readAtNanos()) >= silenceNanos;
  }

  /**
   * Whether {@code after}, a reading of the same lease asked for once the transaction was answered
   * (and chained to the one before it by {@link LeaderLease#afterReading}), shows that every
   * renewal that reached etcd before the reading was served reached it {@link #silenceNanos} or
   * more before {@code sentNanos}, the instant the transaction was sent: then every renewal before
   * the transaction did, which is what the leader's health checks rely on. False when the lease
   * reads renewed (the leader renewed before or after the transaction; which, it cannot tell).
   */
  public boolean silentWhenSent(LeaderLease after, long sentNanos) {
    return after.leaseId() == reading.leaseId() && after.silentForNanos(sentNanos) >= silenceNanos;
  }
}
