package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's key-value requests as the DCS makes them: each one bounded by the request timeout, with
 * the {@link Dcs#ANY} / {@link Dcs#ABSENT} / mod-revision convention for compare-and-swap.
 */
final class EtcdKv {
  private final KV kv;
  private final Duration requestTimeout;

  EtcdKv(KV kv, Duration requestTimeout) {
    this.kv = kv;
    this.requestTimeout = requestTimeout;
  }

  GetResponse get(String key) throws DcsException {
    return EtcdCalls.await(kv.get(bytes(key)), requestTimeout, "reading " + key);
  }

  /**
   * Reads {@code key} without waiting: a linearizable read, with no timeout of its own (the caller
   * gives it up after {@link #requestTimeout()}).
   */
  CompletableFuture<GetResponse> getAsync(String key) {
    return kv.get(bytes(key));
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  /** Puts {@code value} on lease {@code leaseId} (0: no lease); returns the write's revision. */
  long put(String key, String value, long leaseId) throws DcsException {
    return EtcdCalls.await(
            kv.put(bytes(key), bytes(value), onLease(leaseId)), requestTimeout, "writing " + key)
        .getHeader()
        .getRevision();
  }

  void delete(String key) throws DcsException {
    EtcdCalls.await(kv.delete(bytes(key)), requestTimeout, "deleting " + key);
  }

  boolean casPut(String key, String value, long expectedModRevision) throws DcsException {
    if (expectedModRevision == Dcs.ANY) {
      put(key, value, 0);
      return true;
    }
    return casPutAnswer(key, value, expectedModRevision).isSucceeded();
  }

  /** {@link #casPut} with a mod revision or {@link Dcs#ABSENT}, answering etcd's whole answer. */
  TxnResponse casPutAnswer(String key, String value, long expectedModRevision) throws DcsException {
    ByteSequence k = bytes(key);
    return txn(
        "writing " + key,
        new Cmp[] {revisionIs(k, expectedModRevision)},
        new Op[] {Op.put(k, bytes(value), PutOption.DEFAULT)},
        new Op[0]);
  }

  boolean casDelete(String key, long expectedModRevision) throws DcsException {
    return casDeleteAnswer(key, expectedModRevision).isSucceeded();
  }

  /** {@link #casDelete}, answering etcd's whole answer. */
  TxnResponse casDeleteAnswer(String key, long expectedModRevision) throws DcsException {
    ByteSequence k = bytes(key);
    Cmp[] cmps =
        expectedModRevision == Dcs.ANY
            ? new Cmp[0]
            : new Cmp[] {revisionIs(k, expectedModRevision)};
    return txn("deleting " + key, cmps, new Op[] {Op.delete(k, DeleteOption.DEFAULT)}, new Op[0]);
  }

  TxnResponse txn(String what, Cmp[] cmps, Op[] then, Op[] otherwise) throws DcsException {
    return EtcdCalls.await(
        kv.txn().If(cmps).Then(then).Else(otherwise).commit(), requestTimeout, what);
  }

  static PutOption onLease(long leaseId) {
    return PutOption.builder().withLeaseId(leaseId).build();
  }

  /** The first key-value that a get inside {@code r} returned. */
  static Optional<KeyValue> single(TxnResponse r) {
    for (GetResponse g : r.getGetResponses()) {
      if (!g.getKvs().isEmpty()) {
        return Optional.of(g.getKvs().get(0));
      }
    }
    return Optional.empty();
  }

  private static Cmp revisionIs(ByteSequence key, long expectedModRevision) {
    if (expectedModRevision < 0) {
      throw new IllegalArgumentException(
          "expected revision "
              + expectedModRevision
              + " is not allowed: use ANY, ABSENT or a mod revision");
    }
    return expectedModRevision == Dcs.ABSENT
        ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
        : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
  }
}
