package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;

import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the keys any member (or patronictl) may change: {@code initialize}, {@code config},
 * {@code failover} and {@code sync}, each a compare-and-swap on the key's own mod revision, so a
 * race is reported as false and never overwrites what another writer put there.
 */
final class SharedKeyWrites {
  private static final Logger LOG = LoggerFactory.getLogger(SharedKeyWrites.class);

  private final EtcdKv kv;
  private final DcsKeys keys;
  private final String me;

  SharedKeyWrites(EtcdKv kv, DcsKeys keys, String me) {
    this.kv = kv;
    this.keys = keys;
    this.me = me;
  }

  boolean claimInitialize(String value) throws DcsException {
    boolean won = kv.casPut(keys.initialize(), value, Dcs.ABSENT);
    if (won) {
      LOG.info("[{}] won the bootstrap race", me);
    }
    return won;
  }

  boolean updateInitialize(String systemIdentifier, long expectedModRevision) throws DcsException {
    return kv.casPut(keys.initialize(), systemIdentifier, expectedModRevision);
  }

  void cancelInitialize() throws DcsException {
    kv.casDelete(keys.initialize(), Dcs.ANY);
  }

  boolean writeConfig(DynamicConfig c, long expectedModRevision) throws DcsException {
    return kv.casPut(keys.config(), PatroniCodec.encodeConfig(c), expectedModRevision);
  }

  boolean writeFailover(FailoverRequest request, long expectedModRevision) throws DcsException {
    return kv.casPut(keys.failover(), PatroniCodec.encodeFailover(request), expectedModRevision);
  }

  boolean clearFailover(long expectedModRevision) throws DcsException {
    return kv.casDelete(keys.failover(), expectedModRevision);
  }

  /**
   * Writes the {@code sync} key if it is still at {@code expectedModRevision} ({@link Dcs#ANY}
   * overwrites); etcd's answer tells whether it did and at which revision.
   */
  TxnResponse writeSync(SyncState sync, long expectedModRevision) throws DcsException {
    String value = PatroniCodec.encodeSync(sync);
    return expectedModRevision == Dcs.ANY
        ? kv.txn(
            "writing " + keys.sync(),
            new Cmp[0],
            new Op[] {Op.put(bytes(keys.sync()), bytes(value), PutOption.DEFAULT)},
            new Op[0])
        : kv.casPutAnswer(keys.sync(), value, expectedModRevision);
  }

  /** Deletes the {@code sync} key if it is still at {@code expectedModRevision}. */
  TxnResponse clearSync(long expectedModRevision) throws DcsException {
    return kv.casDeleteAnswer(keys.sync(), expectedModRevision);
  }
}
