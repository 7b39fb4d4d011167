package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;
import static io.pgha.core.dcs.EtcdCalls.string;
import static io.pgha.core.dcs.EtcdKv.onLease;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.InvalidValueException;
import io.pgha.patroni.PatroniCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the keys only the leader writes: {@code status}, {@code history}, {@code failsafe} and
 * {@code drain}, each in a transaction that first checks the leader key still names this member, so
 * a deposed leader cannot overwrite its successor's keys.
 */
final class LeaderGuardedWrites {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderGuardedWrites.class);
  private static final int HISTORY_CAS_ATTEMPTS = 3;

  private final EtcdKv kv;
  private final LeaseKeeper lease;
  private final DcsKeys keys;
  private final String me;
  private final ByteSequence meBytes;

  LeaderGuardedWrites(EtcdKv kv, LeaseKeeper lease, DcsKeys keys, String me) {
    this.kv = kv;
    this.lease = lease;
    this.keys = keys;
    this.me = me;
    this.meBytes = bytes(me);
  }

  boolean writeStatus(ClusterStatus status) throws DcsException {
    return putWhileLeader(keys.status(), PatroniCodec.encodeStatus(status), Optional.empty());
  }

  boolean writeHistory(List<HistoryEntry> history) throws DcsException {
    return putWhileLeader(keys.history(), PatroniCodec.encodeHistory(history), Optional.empty());
  }

  /**
   * Appends {@code entry}; with {@code keepLast} above 0 ({@code max_timelines_history}) only the
   * latest {@code keepLast} entries are kept, as Patroni trims the key.
   */
  boolean appendHistory(HistoryEntry entry, int keepLast) throws DcsException {
    String key = keys.history();
    for (int attempt = 0; attempt < HISTORY_CAS_ATTEMPTS; attempt++) {
      GetResponse r = kv.get(key);
      List<HistoryEntry> history = new ArrayList<>();
      long revision = 0;
      if (!r.getKvs().isEmpty()) {
        KeyValue held = r.getKvs().get(0);
        revision = held.getModRevision();
        try {
          history.addAll(
              PatroniCodec.decodeHistory(
                  key, string(held.getValue()), w -> LOG.warn("[{}] {}", me, w)));
        } catch (InvalidValueException e) {
          LOG.warn("[{}] {}; starting the history afresh", me, e.getMessage());
        }
      }
      history.add(entry);
      if (keepLast > 0 && history.size() > keepLast) {
        history.subList(0, history.size() - keepLast).clear();
      }
      if (putWhileLeader(key, PatroniCodec.encodeHistory(history), Optional.of(revision))) {
        return true;
      }
      if (!isLeaderKeyMine()) {
        return false;
      }
    }
    return false;
  }

  boolean writeFailsafe(Map<String, String> members) throws DcsException {
    return putWhileLeader(keys.failsafe(), PatroniCodec.encodeFailsafe(members), Optional.empty());
  }

  void clearFailsafe() throws DcsException {
    kv.casDelete(keys.failsafe(), Dcs.ANY);
  }

  boolean announceDrain(String successor, Duration timeout) throws DcsException {
    long leaseId = lease.status().leaseId();
    if (leaseId == 0) {
      return false;
    }
    return kv.txn(
            "writing " + keys.drain(),
            new Cmp[] {leaderKeyIsMine()},
            new Op[] {
              Op.put(
                  bytes(keys.drain()),
                  bytes(PatroniCodec.encodeDrain(me, successor, timeout)),
                  onLease(leaseId))
            },
            new Op[0])
        .isSucceeded();
  }

  void clearDrain() throws DcsException {
    kv.casDelete(keys.drain(), Dcs.ANY);
  }

  private boolean isLeaderKeyMine() throws DcsException {
    GetResponse r = kv.get(keys.leader());
    return !r.getKvs().isEmpty() && r.getKvs().get(0).getValue().equals(meBytes);
  }

  private Cmp leaderKeyIsMine() {
    return new Cmp(bytes(keys.leader()), Cmp.Op.EQUAL, CmpTarget.value(meBytes));
  }

  private boolean putWhileLeader(String key, String value, Optional<Long> expectedModRevision)
      throws DcsException {
    List<Cmp> cmps = new ArrayList<>();
    cmps.add(leaderKeyIsMine());
    expectedModRevision.ifPresent(
        rev -> cmps.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(rev))));
    return kv.txn(
            "writing " + key,
            cmps.toArray(Cmp[]::new),
            new Op[] {Op.put(bytes(key), bytes(value), PutOption.DEFAULT)},
            new Op[0])
        .isSucceeded();
  }
}
