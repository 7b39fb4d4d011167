package io.pgha.core.dcs;

import io.pgha.patroni.ClusterView;
import java.util.List;
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
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /**
   * Since when (etcd revision) and on which lease this member leads, and the send time of the last
   * renewal confirmed as leader (empty if none is known yet).
   */
  private record Leading(long sinceRevision, long lease, OptionalLong confirmedAtNanos) {
    Leading confirmedAt(long sentNanos) {
      if (confirmedAtNanos.isPresent() && confirmedAtNanos.getAsLong() - sentNanos >= 0) {
        return this;
      }
      return new Leading(sinceRevision, lease, OptionalLong.of(sentNanos));
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

  /** Whether this member leads on lease {@code leaseId}. */
  boolean leadsOn(long leaseId) {
    Leading l = leading.get();
    return l != null && l.lease() == leaseId;
  }

  /** Whether this member leads on {@code status}'s lease and its deadline has not passed. */
  boolean holdsOn(LeaseStatus status, long nowNanos) {
    Leading l = leading.get();
    return l != null && l.lease() == status.leaseId() && status.isValidAt(nowNanos);
  }

  /** When leadership was last confirmed (see the class comment); empty while not leading. */
  OptionalLong confirmedAtNanos() {
    Leading l = leading.get();
    return l == null ? OptionalLong.empty() : l.confirmedAtNanos();
  }

  /**
   * etcd confirmed at {@code revision} that the leader key names us on {@code leaseId}, in a
   * request sent after {@code renewal} was confirmed.
   *
   * @param renewal the lease as known before the request was sent: its last confirmed renewal
   *     confirms leadership if it is on {@code leaseId}
   */
  boolean confirmed(long revision, long leaseId, LeaseStatus renewal, String what) {
    Leading next = new Leading(revision, leaseId, OptionalLong.empty());
    if (renewal.leaseId() == leaseId) {
      next = next.confirmedAt(renewal.lastConfirmedSendNanos());
    }
    Leading before = leading.getAndSet(next);
    if (before == null) {
      LOG.info("[{}] {} (lease {})", me, what, Long.toHexString(leaseId));
    }
    return true;
  }

  /**
   * A renewal of {@code leaseId} sent at {@code sentNanos} was confirmed, and a read sent after
   * that found the leader key naming us on that lease.
   */
  void renewalConfirmedAsLeader(long leaseId, long sentNanos) {
    leading.updateAndGet(l -> l != null && l.lease() == leaseId ? l.confirmedAt(sentNanos) : l);
  }

  /** The leader key moved to {@code leaseId} at {@code revision} (ttl change); no log line. */
  void moved(long revision, long leaseId, LeaseStatus renewal) {
    Leading next = new Leading(revision, leaseId, OptionalLong.empty());
    leading.set(
        renewal.leaseId() == leaseId ? next.confirmedAt(renewal.lastConfirmedSendNanos()) : next);
  }

  /** Forgets leadership without telling anyone (release, close). */
  void clear() {
    leading.set(null);
  }

  /** A view newer than our leadership that no longer names us as leader ends it. */
  void check(ClusterView now) {
    Leading l = leading.get();
    if (l != null && now.revision() >= l.sinceRevision() && !now.isLeader(me)) {
      lost(
          now.leader()
              .map(x -> "the leader key now names " + x.name())
              .orElse("the leader key is gone"),
          System.nanoTime());
    }
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
