package io.pgha.benchmarks;

import io.pgha.patroni.CappedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a Prometheus text endpoint ({@code /metrics}) over HTTP, bounded: the whole answer, body
 * included, within {@code timeout}, and no more than {@code maxBytes} of it, so that a slow or
 * wrong endpoint (another service on that port, a proxy that streams) fails the read instead of
 * hanging the benchmark or filling its heap.
 */
final class MetricsScrape {
  /** etcd's /metrics is about 100-300 kB; a few MB leaves room for many gRPC methods. */
  static final int MAX_BYTES = 8 << 20;

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private MetricsScrape() {}

  /** The body of {@code url}, within {@link #TIMEOUT} and {@link #MAX_BYTES}. */
  static String read(URI url) {
    return read(url, TIMEOUT, MAX_BYTES);
  }

  static String read(URI url, Duration timeout, int maxBytes) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> answer =
        HTTP.sendAsync(request, CappedBody.handler(maxBytes));
    try {
      HttpResponse<byte[]> r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered HTTP " + r.statusCode());
      }
      return new String(r.body(), StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new IllegalStateException(url + " did not answer within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof HttpTimeoutException) { // the headers, later than the request timeout
        throw new IllegalStateException(url + " did not answer within " + timeout, cause);
      }
      throw new IllegalStateException("reading " + url + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + url, e);
    }
  }
}
