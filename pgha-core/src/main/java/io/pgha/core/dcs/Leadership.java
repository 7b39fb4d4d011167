package io.pgha.core.dcs;

import io.pgha.patroni.ClusterView;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether, since when and on which lease this member leads, and who hears when it stops: the lease
 * keeper, the leader-key requests and the watch all report here, and listeners hear each loss once.
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /** Since when (etcd revision) and on which lease this member leads. */
  private record Leading(long sinceRevision, long lease) {}

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

  /** Whether this member leads on {@code status}'s lease and its deadline has not passed. */
  boolean holdsOn(LeaseStatus status, long nowNanos) {
    Leading l = leading.get();
    return l != null && l.lease() == status.leaseId() && status.isValidAt(nowNanos);
  }

  /** etcd confirmed at {@code revision} that the leader key names us on {@code leaseId}. */
  boolean confirmed(long revision, long leaseId, String what) {
    Leading before = leading.getAndSet(new Leading(revision, leaseId));
    if (before == null) {
      LOG.info("[{}] {} (lease {})", me, what, Long.toHexString(leaseId));
    }
    return true;
  }

  /** The leader key moved to {@code leaseId} at {@code revision} (ttl change); no log line. */
  void moved(long revision, long leaseId) {
    leading.set(new Leading(revision, leaseId));
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
