package io.pgha.core.dcs;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Byte conversions and bounded waits for jetcd calls: no call waits longer than its budget. */
final class EtcdCalls {
  private EtcdCalls() {}

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  static RawKeyValue raw(KeyValue kv) {
    return new RawKeyValue(
        string(kv.getKey()),
        string(kv.getValue()),
        kv.getCreateRevision(),
        kv.getModRevision(),
        kv.getLease());
  }

  /** Waits for {@code future} at most {@code timeout}; every failure becomes a DcsException. */
  static <T> T await(CompletableFuture<T> future, Duration timeout, String what)
      throws DcsException {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new DcsException(
          what
              + " got no answer within "
              + timeout.toMillis()
              + "ms (etcd unreachable or without a leader)",
          e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DcsException(what + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DcsException(what + " was interrupted", e);
    } catch (RuntimeException e) {
      throw new DcsException(what + " failed: " + e.getMessage(), e);
    }
  }
}
