package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;
import static io.pgha.core.dcs.EtcdCalls.string;
import static io.pgha.core.dcs.EtcdKv.onLease;
import static io.pgha.core.dcs.EtcdKv.single;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.util.Optional;
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

  boolean acquire() throws DcsException {
    long leaseId = lease.ensureLease();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "acquiring " + name,
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[] {Op.get(key, GetOption.DEFAULT)});
    if (r.isSucceeded()) {
      return leadership.confirmed(r.getHeader().getRevision(), leaseId, "acquired the leader key");
    }
    Optional<KeyValue> holder = single(r);
    if (holder.isPresent() && holder.get().getValue().equals(meBytes)) {
      return keepOrMoveOurKey(holder.get(), leaseId);
    }
    return false;
  }

  boolean renew() throws DcsException {
    if (lease.status().leaseId() == 0) {
      leadership.lost("the lease is gone", System.nanoTime());
      return false;
    }
    try {
      lease.keepAliveNow();
    } catch (DcsException e) {
      if (lease.status().leaseId() != 0) {
        throw e; // no answer: the state in etcd is unknown
      }
      leadership.lost("the lease expired in etcd", System.nanoTime());
      return false; // etcd answered: the lease, and the key with it, is gone
    }
    long leaseId = lease.status().leaseId();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "renewing " + name,
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.get(key, GetOption.DEFAULT)},
            new Op[] {Op.get(key, GetOption.DEFAULT)});
    Optional<KeyValue> holder = single(r);
    if (!r.isSucceeded() || holder.isEmpty()) {
      leadership.lost(
          holder
              .map(kv -> "the leader key now names " + string(kv.getValue()))
              .orElse("the leader key is gone"),
          System.nanoTime());
      return false;
    }
    return keepOrMoveOurKey(holder.get(), leaseId);
  }

  /** The key names us: keep it if it is on our lease, else move it there by compare-and-swap. */
  private boolean keepOrMoveOurKey(KeyValue held, long leaseId) throws DcsException {
    if (held.getLease() == leaseId) {
      return leadership.confirmed(held.getModRevision(), leaseId, "holds the leader key");
    }
    return takeOver(held.getModRevision());
  }

  boolean takeOver(long expectedModRevision) throws DcsException {
    long leaseId = lease.ensureLease();
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "taking over " + name,
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[0]);
    return r.isSucceeded()
        && leadership.confirmed(r.getHeader().getRevision(), leaseId, "took over the leader key");
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
    ByteSequence key = bytes(name);
    TxnResponse r =
        kv.txn(
            "moving " + name + " to the new lease",
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[0]);
    if (r.isSucceeded()) {
      leadership.moved(r.getHeader().getRevision(), leaseId);
    } else {
      leadership.lost("the leader key no longer names this member", System.nanoTime());
    }
  }
}
