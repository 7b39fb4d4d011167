package io.pgha.core.dcs;

import io.pgha.patroni.ClusterView;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether, since when and on which lease this member leads, and who hears when it stops: the lease
 * keeper, the leader-key requests and the watch all report here, and listeners hear each loss once.
 *
 * <p>It also keeps when leadership was last confirmed: the send time of a lease renewal that etcd
 * confirmed before a request sent after that confirmation found the leader key ours on that lease.
 * A renewal reaches etcd after it is sent and, being confirmed before the key was found ours,
 * before any later takeover; a takeover needs the lease silent for {@code leader_silence_timeout}
 * (or expired), so none can happen within that much time of the send (see fencing.md).
 *
 * <p>A leader key deleted under this member (an operator's {@code patronictl remove}, not another
 * member taking it) while the lease it leads on is confirmed alive does not end leadership at once:
 * it is <em>vacated</em> until the lease deadline as it stood then. Meanwhile this member does not
 * hold the key ({@link #holdsOn} is false, no confirmation counts) and the HA decision creates it
 * again on the same lease, only if it is still absent ({@link LeaderKey#acquire}); the key naming
 * another member, that creation failing or unanswered, the lease lost or that deadline passing end
 * leadership as before (see fencing.md, "A leader key deleted under the leader").
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /**
   * Since when (etcd revision) and on which lease this member leads, and the send time of the last
   * renewal confirmed as leader (empty if none is known yet).
   */
  private record Leading(
      long sinceRevision, long lease, OptionalLong confirmedAtNanos, OptionalLong vacatedUntil) {
    Leading(long sinceRevision, long lease) {
      this(sinceRevision, lease, OptionalLong.empty(), OptionalLong.empty());
    }

    Leading confirmedAt(long sentNanos) {
      if (confirmedAtNanos.isPresent() && confirmedAtNanos.getAsLong() - sentNanos >= 0) {
        return this;
      }
      return new Leading(sinceRevision, lease, OptionalLong.of(sentNanos), vacatedUntil);
    }

    boolean vacated() {
      return vacatedUntil.isPresent();
    }
  }

  private final String me;
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Leading> leading = new AtomicReference<>();

  Leadership(String me) {
    this.me = me;
  }

  AutoCloseable onLost(LeadershipListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  boolean isLeading() {
    return leading.get() != null;
  }

  /** Whether this member leads on lease {@code leaseId} and its leader key is not vacated. */
  boolean leadsOn(long leaseId) {
    Leading l = leading.get();
    return l != null && l.lease() == leaseId && !l.vacated();
  }

  /**
   * Whether this member leads on {@code status}'s lease, its deadline has not passed and the key is
   * not vacated.
   */
  boolean holdsOn(LeaseStatus status, long nowNanos) {
    Leading l = leading.get();
    return l != null && !l.vacated() && l.lease() == status.leaseId() && status.isValidAt(nowNanos);
  }

  /**
   * When leadership was last confirmed (see the class comment); empty while not leading or while
   * the key is vacated.
   */
  OptionalLong confirmedAtNanos() {
    Leading l = leading.get();
    return l == null || l.vacated() ? OptionalLong.empty() : l.confirmedAtNanos();
  }

  /**
   * While the leader key is vacated (see the class comment): until when it may be created again
   * without fencing, and on which lease. Past that instant leadership is lost (the listeners are
   * told now).
   */
  Optional<Vacated> vacated(long nowNanos) {
    Leading l = leading.get();
    if (l == null || !l.vacated()) {
      return Optional.empty();
    }
    long until = l.vacatedUntil().getAsLong();
    if (nowNanos - until >= 0) {
      lost(
          "the leader key stayed absent until the lease deadline it had when it was deleted",
          nowNanos);
      return Optional.empty();
    }
    return Optional.of(new Vacated(l.lease(), until));
  }

  /**
   * A vacated leader key.
   *
   * @param lease the lease this member led on, the only one it may create the key again on
   * @param untilNanos until when it may ({@link System#nanoTime()})
   */
  record Vacated(long lease, long untilNanos) {}

  /**
   * etcd confirmed at {@code revision} that the leader key names us on {@code leaseId}, in a
   * request sent after {@code renewal} was confirmed.
   *
   * @param renewal the lease as known before the request was sent: its last confirmed renewal
   *     confirms leadership if it is on {@code leaseId}
   */
  boolean confirmed(long revision, long leaseId, LeaseStatus renewal, String what) {
    Leading next = new Leading(revision, leaseId);
    if (renewal.leaseId() == leaseId) {
      next = next.confirmedAt(renewal.lastConfirmedSendNanos());
    }
    Leading before = leading.getAndSet(next);
    if (before == null || before.vacated()) {
      LOG.info("[{}] {} (lease {})", me, what, Long.toHexString(leaseId));
    }
    return true;
  }

  /**
   * A renewal of {@code leaseId} sent at {@code sentNanos} was confirmed, and a read sent after
   * that found the leader key naming us on that lease.
   */
  void renewalConfirmedAsLeader(long leaseId, long sentNanos) {
    leading.updateAndGet(
        l -> l != null && l.lease() == leaseId && !l.vacated() ? l.confirmedAt(sentNanos) : l);
  }

  /** The leader key moved to {@code leaseId} at {@code revision} (ttl change); no log line. */
  void moved(long revision, long leaseId, LeaseStatus renewal) {
    Leading next = new Leading(revision, leaseId);
    leading.set(
        renewal.leaseId() == leaseId ? next.confirmedAt(renewal.lastConfirmedSendNanos()) : next);
  }

  /** Forgets leadership without telling anyone (release, close). */
  void clear() {
    leading.set(null);
  }

  /**
   * A view newer than our leadership that no longer names us as leader ends it, unless the key is
   * merely gone while {@code lease} is the one we lead on and confirmed alive: then it is vacated.
   */
  void check(ClusterView now, LeaseStatus lease, long nowNanos) {
    if (now.isLeader(me)) {
      return;
    }
    found(now.revision(), now.leader().map(x -> x.name()), lease, nowNanos);
  }

  /**
   * etcd said at {@code revision} that the leader key names {@code holder} (empty: absent), which
   * is not this member: if that is newer than our leadership, the leadership ends, or is vacated as
   * in {@link #check}.
   */
  void found(long revision, Optional<String> holder, LeaseStatus lease, long nowNanos) {
    Leading l = leading.get();
    if (l == null || revision < l.sinceRevision() || holder.filter(me::equals).isPresent()) {
      return;
    }
    if (holder.isPresent()) {
      lost("the leader key now names " + holder.get(), nowNanos);
    } else {
      keyGone(lease, nowNanos);
    }
  }

  /**
   * etcd says the leader key is absent: vacated (true) if the lease we lead on is {@code lease} and
   * confirmed alive at {@code nowNanos}, else leadership is lost (false).
   */
  boolean keyGone(LeaseStatus lease, long nowNanos) {
    Leading l = leading.get();
    if (l == null) {
      return false;
    }
    if (l.vacated()) {
      return vacated(nowNanos).isPresent();
    }
    if (l.lease() != lease.leaseId() || !lease.isValidAt(nowNanos)) {
      lost("the leader key is gone", nowNanos);
      return false;
    }
    Leading next =
        new Leading(
            l.sinceRevision(),
            l.lease(),
            OptionalLong.empty(),
            OptionalLong.of(lease.deadlineNanos()));
    if (!leading.compareAndSet(l, next)) {
      return keyGone(lease, nowNanos);
    }
    LOG.warn(
        "[{}] the leader key was deleted, not taken by another member, and my lease {} is"
            + " confirmed alive for {} ms more: not fencing while I create it again on that lease",
        me,
        Long.toHexString(l.lease()),
        (lease.deadlineNanos() - nowNanos) / 1_000_000);
    return true;
  }

  /** Leadership ended for {@code reason}: tells the listeners, once per loss. */
  void lost(String reason, long atNanos) {
    if (leading.getAndSet(null) == null) {
      return;
    }
    LOG.warn("[{}] leadership lost: {}", me, reason);
    for (LeadershipListener listener : listeners) {
      try {
        listener.leadershipLost(reason, atNanos);
      } catch (RuntimeException e) {
        LOG.error("[{}] leadership listener {} failed", me, listener, e);
      }
    }
  }
}
