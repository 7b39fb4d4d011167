package io.pgha.jdbc.topology;

import io.pgha.patroni.CappedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topology from {@code GET /cluster} of the agents' HTTP API (Patroni's or pgha's), for clients
 * that cannot reach etcd. Asks one agent at a time and moves on to the next when it does not
 * answer; any agent's answer describes the whole cluster.
 */
public final class HttpClusterTopologySource extends PollingTopologySource {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** A {@code GET /cluster} answer larger than this is refused (a few KiB per member is usual). */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final List<URI> clusterUrls;
  private final HttpClient http;
  private int current;

  /**
   * @param apiBaseUrls the agents' API roots, such as {@code http://127.0.0.1:8008}
   * @param interval how often to poll
   */
  public HttpClusterTopologySource(List<URI> apiBaseUrls, Duration interval) {
    super(interval, "pgha-http-topology");
    List<URI> urls = new ArrayList<>();
    for (URI base : apiBaseUrls) {
      String s = base.toString();
      urls.add(URI.create((s.endsWith("/") ? s : s + "/") + "cluster"));
    }
    this.clusterUrls = List.copyOf(urls);
    this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  }

  @Override
  public String describe() {
    return "GET /cluster on " + clusterUrls;
  }

  @Override
  Topology poll() throws Exception {
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < clusterUrls.size(); i++) {
      URI url = clusterUrls.get((current + i) % clusterUrls.size());
      HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET().build();
      CompletableFuture<HttpResponse<byte[]>> exchange =
          http.sendAsync(request, CappedBody.handler(MAX_BODY_BYTES));
      try {
        // The request timeout bounds the wait for the headers; this bounds the body as well.
        HttpResponse<byte[]> response =
            exchange.get(2 * REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (response.statusCode() != 200) {
          failures.add(url + " answered " + response.statusCode());
          continue;
        }
        Topology topology =
            RoutingMembers.cluster(new String(response.body(), StandardCharsets.UTF_8));
        current = (current + i) % clusterUrls.size();
        return topology;
      } catch (TimeoutException e) {
        failures.add(url + ": no whole answer within " + 2 * REQUEST_TIMEOUT.toMillis() + "ms");
      } catch (ExecutionException e) {
        failures.add(url + ": " + e.getCause().getMessage());
      } catch (IllegalArgumentException e) {
        failures.add(url + ": " + e.getMessage());
      } finally {
        exchange.cancel(true);
      }
    }
    throw new IOException("no agent answered: " + failures);
  }
}
