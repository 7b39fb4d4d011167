package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.LeaseTimeToLive;
import io.pgha.core.ha.LeaderLease;
import io.pgha.core.ha.Takeover;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast takeover's transaction between two readings of the silent leader's lease. A renewal
 * changes no key, so the transaction cannot compare it, and the decision's reading may be up to a
 * second old: the leader may have renewed since. So the lease is read again right before the
 * transaction, which is sent only if that reading still shows the silence ({@link
 * Takeover#stillSilent}), and once more right after it. When the second reading shows that no
 * renewal reached etcd from {@code leader_silence_timeout} before the transaction was sent until
 * after it landed ({@link Takeover#silentWhenSent}), the old leader's health checks stopped
 * answering 200 before the takeover (fencing.md). When it cannot show that (a renewal read, etcd
 * not answering, the readings too far apart for etcd's one-second resolution), this member's own
 * leader checks answer 503 ({@link LeaderChecksHold}) until {@code leader_silence_timeout} after
 * the transaction was answered (or given up unanswered): the old leader's last confirmation was
 * sent before the transaction landed, and its checks answer 200 for at most that long after it.
 * Each call is bounded by the request timeout.
 */
final class GuardedTakeover {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedTakeover.class);

  private final String name;
  private final Dcs dcs;
  private final LeaderChecksHold checksHold;

  GuardedTakeover(String name, Dcs dcs, LeaderChecksHold checksHold) {
    this.name = name;
    this.dcs = dcs;
    this.checksHold = checksHold;
  }

  /**
   * Takes the keys over unless the lease reads renewed right before; holds this member's leader
   * checks when it cannot show the silence lasted up to the transaction.
   *
   * @return true if this member holds the leader key afterwards
   */
  boolean run(Takeover t) throws DcsException {
    Optional<LeaderLease> before = read(t, t.reading());
    if (before.isEmpty()) {
      LOG.warn(
          "[{}] not taking over from ({}): etcd did not answer the reading of its lease right"
              + " before the transaction",
          name,
          t.leader());
      return false;
    }
    if (!t.stillSilent(before.get())) {
      LOG.warn(
          "[{}] not taking over from ({}): its lease reads renewed since the reading I decided on",
          name,
          t.leader());
      return false;
    }
    long sent = System.nanoTime();
    boolean taken;
    try {
      taken = dcs.takeOverFromSilentLeader(t.leader(), t.leaderModRevision(), t.syncModRevision());
    } catch (DcsException | RuntimeException e) {
      // Unanswered, it may still have landed (by now, as everything this member does assumes):
      // should the key turn out ours, the checks wait as after an unproven takeover.
      checksHold.until(System.nanoTime() + t.silenceNanos());
      throw e;
    }
    if (!taken) {
      return false;
    }
    long answered = System.nanoTime();
    Optional<LeaderLease> after = read(t, before.get());
    if (after.isPresent() && t.silentWhenSent(after.get(), sent)) {
      LOG.info(
          "[{}] the lease of ({}) read unrenewed from {} ms before the takeover until after it"
              + " (readings and transaction: {} ms)",
          name,
          t.leader(),
          TimeUnit.NANOSECONDS.toMillis(after.get().silentForNanos(sent)),
          TimeUnit.NANOSECONDS.toMillis(after.get().readAtNanos() - before.get().askedAtNanos()));
      return true;
    }
    long until = answered + t.silenceNanos();
    checksHold.until(until);
    LOG.warn(
        "[{}] could not show that ({}) renewed no lease between my reading and the takeover ({}):"
            + " my leader health checks answer 503 for {} ms more, until its own have certainly"
            + " stopped answering 200",
        name,
        t.leader(),
        after.isEmpty() ? "etcd did not answer the reading after it" : "it reads renewed",
        TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
    return true;
  }

  /** A reading of the leader's lease chained to {@code previous}; empty if etcd did not answer. */
  private Optional<LeaderLease> read(Takeover t, LeaderLease previous) {
    long leaseId = t.reading().leaseId();
    long asked = System.nanoTime();
    LeaseTimeToLive ttl;
    try {
      ttl = dcs.leaseTimeToLive(leaseId);
    } catch (DcsException | RuntimeException e) {
      LOG.debug("[{}] could not read the lease of ({}): {}", name, t.leader(), e.getMessage());
      return Optional.empty();
    }
    return Optional.of(
        LeaderLease.afterReading(
            Optional.of(previous),
            leaseId,
            ttl.grantedSeconds(),
            ttl.remainingSeconds(),
            asked,
            System.nanoTime()));
  }
}
