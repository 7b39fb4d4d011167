package io.pgha.patroni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a size: a peer or agent named in etcd (a value anyone with
 * write access to etcd can forge) must not make the reader hold an unbounded answer. A body larger
 * than the cap fails the exchange with an {@link IOException} and the rest is not read.
 */
public final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int maxBytes;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private CappedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A handler whose bodies are at most {@code maxBytes} long. */
  public static HttpResponse.BodyHandler<byte[]> handler(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must be positive");
    }
    return info -> new CappedBody(maxBytes);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if (out.size() + (long) b.remaining() > maxBytes) {
        subscription.cancel();
        body.completeExceptionally(
            new IOException("response body is larger than " + maxBytes + " bytes"));
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
    }
  }

  @Override
  public void onError(Throwable t) {
    body.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    body.complete(out.toByteArray());
  }
}
