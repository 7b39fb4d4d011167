package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;
import static io.pgha.core.dcs.EtcdKv.onLease;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast takeover's one transaction: if the leader key still names the silent leader at the mod
 * revision observed and the {@code sync} key is still at the one observed, put the leader key on
 * our lease and the {@code sync} key naming us as leader with no standby. Both keys change together
 * or neither does: a takeover that lost a race (another standby, the leader renewing its sync key)
 * changes nothing. Rewriting the {@code sync} key is what stops the old leader for good: it changes
 * its synchronous standbys only after a compare-and-swap on that key, which can no longer succeed.
 */
final class SilentLeaderTakeover {
  private static final Logger LOG = LoggerFactory.getLogger(SilentLeaderTakeover.class);

  private final EtcdKv kv;
  private final LeaseKeeper lease;
  private final Leadership leadership;
  private final DcsKeys keys;
  private final String me;

  SilentLeaderTakeover(
      EtcdKv kv, LeaseKeeper lease, Leadership leadership, DcsKeys keys, String me) {
    this.kv = kv;
    this.lease = lease;
    this.leadership = leadership;
    this.keys = keys;
    this.me = me;
  }

  boolean takeOver(String leader, long leaderModRevision, long syncModRevision)
      throws DcsException {
    long leaseId = lease.ensureLease();
    LeaseStatus renewal = lease.status();
    ByteSequence leaderKey = bytes(keys.leader());
    ByteSequence syncKey = bytes(keys.sync());
    TxnResponse r =
        kv.txn(
            "taking " + keys.leader() + " over from " + leader,
            new Cmp[] {
              new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.modRevision(leaderModRevision)),
              new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.value(bytes(leader))),
              new Cmp(syncKey, Cmp.Op.EQUAL, CmpTarget.modRevision(syncModRevision))
            },
            new Op[] {
              Op.put(leaderKey, bytes(me), onLease(leaseId)),
              Op.put(
                  syncKey,
                  bytes(PatroniCodec.encodeSync(SyncState.of(me, List.of()))),
                  PutOption.DEFAULT)
            },
            new Op[0]);
    if (!r.isSucceeded()) {
      LOG.info(
          "[{}] the leader key or the sync key changed since I saw ({}) silent: not taking over",
          me,
          leader);
      return false;
    }
    return leadership.confirmed(
        r.getHeader().getRevision(),
        leaseId,
        renewal,
        "took the leader key and the sync key over from (" + leader + ")");
  }
}
