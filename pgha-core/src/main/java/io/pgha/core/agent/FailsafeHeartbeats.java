package io.pgha.core.agent;

import io.pgha.core.config.Credentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends the leader's failsafe heartbeat ({@code POST /failsafe}, Patroni's body: {@code name},
 * {@code conn_url}, {@code api_url}, {@code slots}) to every member at once and collects who did
 * not accept it. Every call is bounded by one timeout for the whole round.
 */
final class FailsafeHeartbeats implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The outcome of one round. */
  record Round(long startedNanos, Map<String, String> refusals) {
    boolean allAccepted() {
      return refusals.isEmpty();
    }
  }

  private final ObjectNode identity;
  private final ExecutorService executor;
  private final HttpClient http;
  private final Optional<String> authorization;

  /**
   * @param credentials sent with every call, when the peers' APIs require them for POST
   * @param tls for peers whose {@code api_url} is https ({@link io.pgha.core.api.PeerTls})
   */
  FailsafeHeartbeats(
      String name,
      String connUrl,
      String apiUrl,
      Optional<Credentials> credentials,
      Optional<SSLContext> tls) {
    this.authorization = credentials.map(FailsafeHeartbeats::basic);
    this.identity = JSON.createObjectNode();
    identity.put("name", name);
    identity.put("conn_url", connUrl);
    identity.put("api_url", apiUrl);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "pgha-failsafe-http-" + name);
              t.setDaemon(true);
              return t;
            });
    HttpClient.Builder client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1);
    tls.ifPresent(client::sslContext);
    this.http = client.build();
  }

  /**
   * Asks every member (name to {@code api_url}) to accept this member as leader.
   *
   * @param timeout for the whole round
   */
  Round confirm(Map<String, String> members, Duration timeout) {
    return confirm(members, timeout, Map.of());
  }

  /**
   * As {@link #confirm(Map, Duration)}, telling the members where this leader's permanent slots are
   * ({@code slots}: integer LSNs by name), so that replicas move their copies forward while etcd
   * does not answer, as Patroni's replicas do from the heartbeat.
   */
  Round confirm(Map<String, String> members, Duration timeout, Map<String, Long> slots) {
    long started = System.nanoTime();
    ObjectNode o = identity.deepCopy();
    ObjectNode positions = o.putObject("slots");
    slots.forEach(positions::put);
    String body = JSON.writeValueAsString(o);
    Map<String, CompletableFuture<String>> calls = new LinkedHashMap<>();
    for (Map.Entry<String, String> m : members.entrySet()) {
      calls.put(m.getKey(), send(m.getValue(), body, timeout));
    }
    Map<String, String> refusals = new LinkedHashMap<>();
    long deadline = started + timeout.toNanos();
    for (Map.Entry<String, CompletableFuture<String>> call : calls.entrySet()) {
      String refusal;
      try {
        refusal =
            call.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        call.getValue().cancel(true);
        refusal = "no answer within " + timeout.toMillis() + "ms";
      } catch (ExecutionException e) {
        refusal = describe(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        refusal = "interrupted";
      }
      if (!refusal.isEmpty()) {
        refusals.put(call.getKey(), refusal);
      }
    }
    return new Round(started, refusals);
  }

  /** Completes with "" when accepted, else with why not; never exceptionally for HTTP answers. */
  private CompletableFuture<String> send(String apiUrl, String body, Duration timeout) {
    URI uri;
    try {
      uri = failsafeUri(apiUrl);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          "api_url (" + apiUrl + ") is not a usable URL: " + e.getMessage());
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    authorization.ifPresent(a -> request.header("Authorization", a));
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r ->
                r.statusCode() == 200
                    ? ""
                    : "answered " + r.statusCode() + " " + abbreviate(r.body().strip()));
  }

  private static String basic(Credentials c) {
    String pair = c.username() + ":" + c.passwordIfSet().orElse("");
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code http://host:port/patroni} becomes {@code http://host:port/failsafe}. */
  static URI failsafeUri(String apiUrl) {
    if (apiUrl == null || apiUrl.isBlank()) {
      throw new IllegalArgumentException("the member publishes no api_url");
    }
    URI uri = URI.create(apiUrl.strip());
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("no scheme or host");
    }
    return uri.resolve("/failsafe");
  }

  private static String describe(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && !(c instanceof IOException && c.getMessage() != null)) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** The members' names, for logs. */
  static String names(Map<String, String> members) {
    return List.copyOf(members.keySet()).toString();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
