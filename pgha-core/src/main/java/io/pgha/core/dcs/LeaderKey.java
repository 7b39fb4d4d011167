package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;
import static io.pgha.core.dcs.EtcdCalls.string;
import static io.pgha.core.dcs.EtcdKv.onLease;
import static io.pgha.core.dcs.EtcdKv.single;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader key, as Patroni's etcd3 layer handles it: acquire by creating it on our lease, renew
 * by refreshing the lease and comparing its value to our name, take over by mod revision, release
 * by deleting it only if it names us. Every outcome is reported to {@link Leadership}.
 */
final class LeaderKey {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderKey.class);

  private final EtcdKv kv;
  private final LeaseKeeper lease;
  private final Leadership leadership;
  private final String me;
  private final ByteSequence meBytes;
  private final String name;

  /**
   * Leadership is confirmed at most this often (from the renewals every 250 ms of the fast path,
   * every other one; from those every 500 ms or every ttl / 5 otherwise, each one): while a fast
   * takeover may depose this member a confirmation counts for {@code min(leader_silence_timeout,
   * ttl)} (2 s by default), so one every 500 ms or so keeps the health checks' answers fresh with
   * room for slow calls, at a read per half second whatever the pace of the renewals. Somewhat less
   * than 500 ms so that the jitter of the answers of renewals sent 500 ms apart does not skip one
   * of them.
   */
  static final long CONFIRM_INTERVAL_MILLIS = 375;

  /**
   * The HA cycle's renewal sends nothing when a renewal of the lease keeper was confirmed as leader
   * (the renewal, then a read that found the key ours on that lease) within the keeper's leader
   * interval plus this: the key was ours after that renewal's send time, the lease lives at least
   * ttl from it, the watch reports any later change of the key within milliseconds and the keeper's
   * next read within one interval; a renewal and a read now would tell the decision nothing the
   * keeper's did not. The interval plus a second covers the read's round trip and the jitter of the
   * keeper's wake-ups, so that a cycle of an idle leader nearly never sends one; when it does (the
   * keeper's renewals or reads unanswered), it sends a keep-alive only if the keeper had none
   * confirmed within this long either.
   */
  static final Duration RECENT_RENEWAL = Duration.ofSeconds(1);

  private final AtomicBoolean confirming = new AtomicBoolean();
  // The read in flight while confirming, and when it was sent.
  private volatile CompletableFuture<GetResponse> confirmRead;
  private volatile long confirmSentNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  LeaderKey(EtcdKv kv, LeaseKeeper lease, Leadership leadership, String me, String leaderKey) {
    this.kv = kv;
    this.lease = lease;
    this.leadership = leadership;
    this.me = me;
    this.meBytes = bytes(me);
    this.name = leaderKey;
  }

  boolean holds() {
    return leadership.holdsOn(lease.status(), System.nanoTime());
  }

  /**
   * After a renewal of {@code leaseId} sent at {@code sentNanos} was confirmed: if we lead on that
   * lease, reads the leader key (a linearizable read, no raft write) and, if it still names us on
   * that lease, records the renewal as a confirmation of leadership. At most one read is in flight,
   * and one is sent at most every {@value #CONFIRM_INTERVAL_MILLIS} ms; a renewal that finds one
   * running or recent is skipped (the next one confirms a later send time anyway), and gives it up
   * once it has gone unanswered for the request timeout (a timer per read would wake a thread of
   * its own twice per renewal). Never blocks the caller (the lease thread).
   */
  void confirmAfterRenewal(long leaseId, long sentNanos) {
    if (!leadership.leadsOn(leaseId)) {
      return;
    }
    giveUpStuckRead();
    long now = System.nanoTime();
    if (now - confirmSentNanos < TimeUnit.MILLISECONDS.toNanos(CONFIRM_INTERVAL_MILLIS)
        || !confirming.compareAndSet(false, true)) {
      return;
    }
    try {
      CompletableFuture<GetResponse> read = kv.getAsync(name);
      confirmSentNanos = now;
      confirmRead = read;
      read.whenComplete(
          (r, t) -> {
            confirming.set(false);
            if (t != null) {
              LOG.debug("[{}] reading {} after a renewal: {}", me, name, t.toString());
              return;
            }
            found(r, leaseId, sentNanos);
          });
    } catch (RuntimeException e) {
      confirming.set(false);
      LOG.debug("[{}] reading {} after a renewal not sent: {}", me, name, e.toString());
    }
  }

  /**
   * What a read sent after the renewal of {@code leaseId} sent at {@code sentNanos} was confirmed
   * found: the key ours on that lease confirms leadership; absent or naming another member, newer
   * than our leadership, it ends (or vacates) it as a view saying so would, for the case the watch
   * has not said so (a stream that stalls); ours on another lease, nothing (the HA cycle's renewal
   * moves it).
   */
  private void found(GetResponse r, long leaseId, long sentNanos) {
    Optional<KeyValue> held = r.getKvs().stream().findFirst();
    if (held.isPresent() && held.get().getValue().equals(meBytes)) {
      if (held.get().getLease() == leaseId) {
        leadership.renewalConfirmedAsLeader(leaseId, sentNanos);
      }
      return;
    }
    leadership.found(
        r.getHeader().getRevision(),
        held.map(kv -> string(kv.getValue())),
        lease.status(),
        System.nanoTime());
  }

  /**
   * Renews the lease now and reads the leader key after the renewal was confirmed: leadership is
   * confirmed from that renewal's send time, or this throws (no answer, the lease gone, the key not
   * ours on that lease). Before a write that lets a fast takeover depose this member: its health
   * checks then count a confirmation for {@code leader_silence_timeout} only, and its synchronous
   * standby starts reading its lease for silence.
   */
  void renewAndConfirmNow() throws DcsException {
    lease.keepAliveNow();
    LeaseStatus renewal = lease.status();
    GetResponse r = kv.get(name);
    Optional<KeyValue> held = r.getKvs().stream().findFirst();
    if (held.isEmpty()
        || !held.get().getValue().equals(meBytes)
        || held.get().getLease() != renewal.leaseId()
        || !leadership.leadsOn(renewal.leaseId())) {
      found(r, renewal.leaseId(), renewal.lastConfirmedSendNanos());
      throw new DcsException("the leader key is not ours on our lease: not confirmed as leader");
    }
    leadership.renewalConfirmedAsLeader(renewal.leaseId(), renewal.lastConfirmedSendNanos());
  }

  private void giveUpStuckRead() {
    CompletableFuture<GetResponse> read = confirmRead;
    if (confirming.get()
        && read != null
        && System.nanoTime() - confirmSentNanos >= kv.requestTimeout().toNanos()) {
      read.completeExceptionally(new TimeoutException("no answer within the request timeout"));
    }
  }

  boolean acquire() throws DcsException {
    Optional<Leadership.Vacated> vacated = leadership.vacated(System.nanoTime());
    if (vacated.isPresent()) {
      return acquireVacated(vacated.get());
    }
    long leaseId = lease.ensureLease();
    LeaseStatus renewal = lease.status();
    TxnResponse r = createIfAbsent(leaseId);
    if (r.isSucceeded()) {
      return leadership.confirmed(
          r.getHeader().getRevision(), leaseId, renewal, "acquired the leader key");
    }
    Optional<KeyValue> holder = single(r);
    if (holder.isPresent() && holder.get().getValue().equals(meBytes)) {
      return keepOrMoveOurKey(holder.get(), leaseId, renewal);
    }
    return false;
  }

  /**
   * Our leader key was deleted under us (see {@link Leadership}): one attempt to create it again,
   * on the lease we led on only and while that lease is confirmed alive. Anything but success ends
   * leadership (the listeners fence): the key found naming another member, the lease gone or
   * replaced, no answer from etcd.
   */
  private boolean acquireVacated(Leadership.Vacated vacated) throws DcsException {
    LeaseStatus renewal = lease.status();
    if (renewal.leaseId() != vacated.lease() || !renewal.isValidAt(System.nanoTime())) {
      leadership.lost(
          "the leader key was deleted and the lease I led on is not confirmed alive any more",
          System.nanoTime());
      return false;
    }
    TxnResponse r;
    try {
      r = createIfAbsent(vacated.lease());
    } catch (DcsException e) {
      leadership.lost(
          "the leader key was deleted and etcd did not answer its creation again: "
              + e.getMessage(),
          System.nanoTime());
      throw e;
    }
    if (r.isSucceeded()) {
      return leadership.confirmed(
          r.getHeader().getRevision(),
          vacated.lease(),
          renewal,
          "created the leader key again after it was deleted");
    }
    Optional<KeyValue> holder = single(r);
    if (holder.isPresent()
        && holder.get().getValue().equals(meBytes)
        && holder.get().getLease() == vacated.lease()) {
      // Our own earlier attempt, whose answer was lost.
      return leadership.confirmed(
          holder.get().getModRevision(), vacated.lease(), renewal, "holds the leader key");
    }
    leadership.lost(
        holder
            .map(kv -> "the leader key was deleted and now names " + string(kv.getValue()))
            .orElse("the leader key was deleted and could not be created again"),
        System.nanoTime());
    return false;
  }

  /** Puts the key naming us on {@code leaseId} only if it does not exist; else reads it. */
  private TxnResponse createIfAbsent(long leaseId) throws DcsException {
    ByteSequence key = bytes(name);
    return kv.txn(
        "acquiring " + name,
        new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))},
        new Op[] {Op.put(key, meBytes, onLease(leaseId))},
        new Op[] {Op.get(key, GetOption.DEFAULT)});
  }

  boolean renew() throws DcsException {
    if (lease.status().leaseId() == 0) {
      leadership.lost("the lease is gone", System.nanoTime());
      return false;
    }
    if (confirmedWithin(Duration.ofNanos(lease.leaderIntervalNanos()).plus(RECENT_RENEWAL))) {
      return true; // see RECENT_RENEWAL: nothing sent
    }
    try {
      if (!lease.renewedWithin(RECENT_RENEWAL)) {
        lease.keepAliveNow();
      }
    } catch (DcsException e) {
      if (lease.status().leaseId() != 0) {
        throw e; // no answer: the state in etcd is unknown
      }
      leadership.lost("the lease expired in etcd", System.nanoTime());
      return false; // etcd answered: the lease, and the key with it, is gone
    }
    LeaseStatus renewal = lease.status();
    long leaseId = renewal.leaseId();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "renewing " + name,
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.get(key, GetOption.DEFAULT)},
            new Op[] {Op.get(key, GetOption.DEFAULT)});
    Optional<KeyValue> holder = single(r);
    if (holder.isEmpty() && leadership.keyGone(renewal, System.nanoTime())) {
      // Deleted, not taken: the decision creates it again (Leadership). Neither kept nor lost.
      throw new DcsException(
          "the leader key was deleted (not taken by another member) while my lease is alive:"
              + " deciding again");
    }
    if (!r.isSucceeded() || holder.isEmpty()) {
      leadership.lost(
          holder
              .map(kv -> "the leader key now names " + string(kv.getValue()))
              .orElse("the leader key is gone"),
          System.nanoTime());
      return false;
    }
    return keepOrMoveOurKey(holder.get(), leaseId, renewal);
  }

  /**
   * Whether this member holds the key (on its current lease, confirmed alive, not vacated) and a
   * renewal sent within {@code within} of now was confirmed as leader.
   */
  private boolean confirmedWithin(Duration within) {
    long now = System.nanoTime();
    return leadership.holdsOn(lease.status(), now)
        && leadership.confirmedAtNanos().stream().anyMatch(at -> now - at < within.toNanos());
  }

  /** The key names us: keep it if it is on our lease, else move it there by compare-and-swap. */
  private boolean keepOrMoveOurKey(KeyValue held, long leaseId, LeaseStatus renewal)
      throws DcsException {
    if (held.getLease() == leaseId) {
      return leadership.confirmed(held.getModRevision(), leaseId, renewal, "holds the leader key");
    }
    return takeOver(held.getModRevision());
  }

  boolean takeOver(long expectedModRevision) throws DcsException {
    long leaseId = lease.ensureLease();
    LeaseStatus renewal = lease.status();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "taking over " + name,
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[0]);
    return r.isSucceeded()
        && leadership.confirmed(
            r.getHeader().getRevision(), leaseId, renewal, "took over the leader key");
  }

  boolean release() throws DcsException {
    leadership.clear();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "releasing " + name,
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.delete(key, DeleteOption.DEFAULT)},
            new Op[0]);
    if (r.isSucceeded()) {
      LOG.info("[{}] released the leader key", me);
    }
    return r.isSucceeded();
  }

  /** After a ttl change: moves the key, if we lead, onto the new lease {@code leaseId}. */
  void moveToLease(long leaseId) throws DcsException {
    if (!leadership.isLeading()) {
      return;
    }
    LeaseStatus renewal = lease.status();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "moving " + name + " to the new lease",
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[0]);
    if (r.isSucceeded()) {
      leadership.moved(r.getHeader().getRevision(), leaseId, renewal);
    } else {
      leadership.lost("the leader key no longer names this member", System.nanoTime());
    }
  }
}
