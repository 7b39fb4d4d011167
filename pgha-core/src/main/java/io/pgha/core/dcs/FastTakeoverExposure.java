package io.pgha.core.dcs;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.SyncState;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a fast takeover may depose this member while it leads: conservative (yes) unless the
 * {@code sync} key as etcd holds it names no synchronous standby under this member's name.
 *
 * <p>Why the {@code sync} key decides: a fast takeover needs a {@code sync} key whose {@code
 * leader} names the leader it deposes and whose standbys name the member taking over, and its
 * transaction compares that key's mod revision with the one the standby read. Only the leader
 * itself writes such a key (the fast takeover writes one naming the new leader and nobody, an
 * operator's {@code remove} deletes it); so the key can come to name a standby under this member's
 * name only through a write this member sends. Such a write is <em>arming</em>: the answer is yes
 * from before it is sent ({@link #arming}).
 *
 * <p>What is known of the key, newest first: a write of ours in flight, or whose answer never came
 * (it may still be applied, as long as the key's mod revision is the one it compares): yes, until a
 * later write of ours to the key is confirmed (a compare-and-swap that succeeds moves the mod
 * revision on for good). Else the version of the key in the view, if it is newer than our last
 * confirmed write to the key (the watch delivers our own write a moment after its answer: a view
 * that does not show it yet is older than what we know). Else what our last confirmed write put
 * there. Else, before any write of ours, the view (a key left from an earlier term of this member
 * counts like any other: yes until it is rewritten). Before the first view of etcd: yes.
 *
 * <p>Thread-safe; no I/O.
 */
final class FastTakeoverExposure {
  /** What our last write to the key that etcd confirmed left there, at which revision. */
  private record Written(long revision, boolean namesStandby) {}

  private final String me;
  private final AtomicInteger armingInFlight = new AtomicInteger();
  private volatile boolean unanswered;
  private volatile Written lastWritten;

  FastTakeoverExposure(String me) {
    this.me = me;
  }

  /** Whether {@code sync} names a synchronous standby under {@code leader}'s name. */
  static boolean namesStandbyUnder(Optional<SyncState> sync, String leader) {
    return sync.filter(s -> s.leader().filter(leader::equals).isPresent())
        .filter(s -> !s.syncStandbys().isEmpty())
        .isPresent();
  }

  /**
   * Whether a fast takeover may depose this member if it leads, by {@code view}, the newest view of
   * etcd this member has.
   */
  boolean mayDepose(ClusterView view) {
    if (view.revision() <= 0 || armingInFlight.get() > 0 || unanswered) {
      return true;
    }
    if (view.leader().filter(l -> l.isHeldBy(me)).isEmpty()) {
      // A view whose leader key is not ours proves nothing about a leadership we may still
      // believe we hold: it may be the fast takeover's own (the key taken and the sync key
      // rewritten naming the new leader, in one revision), delivered before the leadership is
      // ended. Relaxing the health bound on it would let a deposed leader answer 200 on a
      // confirmation from before its freeze (FastTakeoverTest caught one, 220 ms).
      return true;
    }
    Written w = lastWritten;
    Optional<SyncState> seen = view.sync();
    if (w == null || seen.filter(s -> s.modRevision() > w.revision()).isPresent()) {
      return namesStandbyUnder(seen, me);
    }
    return w.namesStandby();
  }

  /** An arming write is about to be sent: yes from now on. */
  void arming() {
    armingInFlight.incrementAndGet();
  }

  /**
   * The answer to a write of ours to the {@code sync} key: {@code arming} if it names a standby
   * under our name (sent after {@link #arming}), not if it names nobody or deletes the key; {@code
   * answeredAt} is the etcd revision of the answer, empty when none came; {@code succeeded} whether
   * it was applied.
   */
  void written(boolean arming, OptionalLong answeredAt, boolean succeeded) {
    if (answeredAt.isPresent() && succeeded) {
      lastWritten = new Written(answeredAt.getAsLong(), arming);
      unanswered = false;
    } else if (answeredAt.isEmpty() && arming) {
      unanswered = true;
    }
    // A compare that failed changed nothing: whoever changed the key since (a fast takeover,
    // another leader, an operator) cannot make it name a standby under our name.
    if (arming) {
      armingInFlight.decrementAndGet();
    }
  }
}
