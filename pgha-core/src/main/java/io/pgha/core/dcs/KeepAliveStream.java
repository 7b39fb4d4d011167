package io.pgha.core.dcs;

import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Lease keep-alives on one long-lived {@code LeaseKeepAlive} stream to etcd: each renewal is one
 * message each way, where jetcd's {@code keepAliveOnce} opens (and closes) a stream per renewal and
 * sends its request twice. etcd answers the requests of a stream one by one, in order, so each
 * answer belongs to the oldest request waiting; the send time of every renewal stays exact.
 *
 * <p>The stream rides jetcd's own channel (connection, TLS, the require-leader header and the
 * credentials of its calls), learnt from the first call jetcd makes ({@link #capture()}, which the
 * client's builder installs): until then, and should that never happen, renewals go through jetcd's
 * {@code keepAliveOnce}. A stream that fails or ends fails every renewal waiting on it and is
 * opened again by the next one; so is a stream whose oldest request went unanswered for {@code
 * stuckNanos} (etcd would answer the later ones only after it).
 */
final class KeepAliveStream implements AutoCloseable {
  private final long stuckNanos;
  // The stream whose capture learns the channel; null for that stream itself.
  private final KeepAliveStream source;
  private volatile Channel channel;
  private volatile CallCredentials credentials;

  private record Waiting(
      long leaseId, long sentNanos, CompletableFuture<LeaseKeepAliveResponse> answer) {}

  // Guarded by this: the open stream (null if none) and its requests not answered yet, oldest
  // first.
  private ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
  private Deque<Waiting> waiting = new ArrayDeque<>();
  private boolean closed;

  KeepAliveStream(long stuckNanos) {
    this(stuckNanos, null);
  }

  private KeepAliveStream(long stuckNanos, KeepAliveStream source) {
    this.stuckNanos = stuckNanos;
    this.source = source;
  }

  /**
   * Another stream over the channel this one learns, for another lease holder sharing the client
   * (each stream matches its answers to its own requests, in order).
   */
  KeepAliveStream sibling() {
    return new KeepAliveStream(stuckNanos, source == null ? this : source);
  }

  /** Whether the channel is known: until then, keep-alives go through jetcd. */
  boolean ready() {
    return channel() != null;
  }

  private Channel channel() {
    return source == null ? channel : source.channel;
  }

  private CallCredentials credentials() {
    return source == null ? credentials : source.credentials;
  }

  /**
   * An interceptor for jetcd's channel that hands this stream the channel (and the credentials
   * jetcd's calls carry) at the first call.
   */
  ClientInterceptor capture() {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        if (credentials == null && options.getCredentials() != null) {
          credentials = options.getCredentials(); // before the channel: a stream needs both
        }
        if (channel == null) {
          channel = next;
        }
        return next.newCall(method, options);
      }
    };
  }

  /**
   * Sends a keep-alive of {@code leaseId} now (only once {@link #ready()}); the answer fails if the
   * lease is gone, with jetcd's message.
   */
  CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId, long sentNanos) {
    Channel ch = channel();
    CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
    List<Waiting> failed = List.of();
    synchronized (this) {
      if (closed) {
        answer.completeExceptionally(new IllegalStateException("the etcd client is closed"));
        return answer;
      }
      Waiting oldest = waiting.peekFirst();
      if (oldest != null && sentNanos - oldest.sentNanos() >= stuckNanos) {
        failed = reset("the keep-alive stream went unanswered");
      }
      if (requests == null) {
        open(ch);
      }
      if (requests == null) {
        // On a dead channel the new stream can end while it opens, on this thread: the renewal
        // fails as one etcd did not answer, not with a NullPointerException here.
        answer.completeExceptionally(
            new IllegalStateException("the keep-alive stream ended as it opened"));
      } else {
        waiting.addLast(new Waiting(leaseId, sentNanos, answer));
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
      }
    }
    fail(failed, new IllegalStateException("the keep-alive stream went unanswered; opened anew"));
    return answer;
  }

  /** Opens a stream whose answers and end concern only the requests sent on it. Holds this. */
  private void open(Channel ch) {
    Deque<Waiting> mine = new ArrayDeque<>();
    waiting = mine;
    LeaseGrpc.LeaseStub stub = LeaseGrpc.newStub(ch).withExecutor(Runnable::run);
    CallCredentials callCredentials = credentials();
    if (callCredentials != null) {
      stub = stub.withCallCredentials(callCredentials);
    }
    stub.leaseKeepAlive(
        new ClientResponseObserver<
            LeaseKeepAliveRequest, io.etcd.jetcd.api.LeaseKeepAliveResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<LeaseKeepAliveRequest> stream) {
            requests = stream;
          }

          @Override
          public void onNext(io.etcd.jetcd.api.LeaseKeepAliveResponse r) {
            answered(mine, r);
          }

          @Override
          public void onError(Throwable t) {
            ended(mine, t);
          }

          @Override
          public void onCompleted() {
            ended(mine, new IllegalStateException("etcd closed the keep-alive stream"));
          }
        });
  }

  private void answered(Deque<Waiting> of, io.etcd.jetcd.api.LeaseKeepAliveResponse r) {
    Waiting w;
    List<Waiting> failed = List.of();
    synchronized (this) {
      w = of.pollFirst();
      if ((w == null || w.leaseId() != r.getID()) && of == waiting) {
        // Not the answer expected: nothing on this stream can be matched any more.
        failed = reset("a keep-alive answer for lease " + Long.toHexString(r.getID()));
      }
    }
    if (w == null) {
      return;
    }
    if (w.leaseId() != r.getID()) {
      failed = new ArrayList<>(failed);
      failed.add(w);
      fail(failed, new IllegalStateException("keep-alive answers out of order"));
    } else if (r.getTTL() <= 0) {
      // Worded as jetcd words it: the lease keeper knows a gone lease by this message.
      w.answer()
          .completeExceptionally(
              new IllegalStateException("etcdserver: requested lease not found"));
    } else {
      w.answer().complete(new LeaseKeepAliveResponse(r));
    }
  }

  private void ended(Deque<Waiting> of, Throwable why) {
    List<Waiting> failed;
    synchronized (this) {
      if (of == waiting) {
        requests = null;
        waiting = new ArrayDeque<>();
      }
      failed = new ArrayList<>(of);
      of.clear();
    }
    fail(failed, why);
  }

  /** Cancels the open stream; returns what waited on it, to fail. Holds this. */
  private List<Waiting> reset(String why) {
    ClientCallStreamObserver<LeaseKeepAliveRequest> open = requests;
    List<Waiting> failed = new ArrayList<>(waiting);
    waiting.clear();
    waiting = new ArrayDeque<>();
    requests = null;
    if (open != null) {
      open.cancel(why, null);
    }
    return failed;
  }

  private static void fail(List<Waiting> failed, Throwable why) {
    for (Waiting w : failed) {
      w.answer().completeExceptionally(why);
    }
  }

  @Override
  public void close() {
    List<Waiting> failed;
    synchronized (this) {
      closed = true;
      failed = reset("the etcd client is closed");
    }
    fail(failed, new IllegalStateException("the etcd client is closed"));
  }
}
