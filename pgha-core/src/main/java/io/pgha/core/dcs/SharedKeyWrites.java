package io.pgha.core.dcs;

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

  boolean writeSync(SyncState sync, long expectedModRevision) throws DcsException {
    return kv.casPut(keys.sync(), PatroniCodec.encodeSync(sync), expectedModRevision);
  }

  boolean clearSync(long expectedModRevision) throws DcsException {
    return kv.casDelete(keys.sync(), expectedModRevision);
  }
}
