package io.pgha.core.agent;

import io.pgha.core.ha.PeerPosition;
import io.pgha.core.ha.PeerPositions;
import io.pgha.patroni.CappedBody;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every other member's HTTP API ({@code GET /patroni}, as Patroni does) for its WAL position,
 * in parallel and within a time limit. Member keys can be a whole loop old; before racing for
 * leadership a member must know whether a peer is further ahead right now.
 *
 * <p>The peers are found in etcd, so anyone who can write a member key chooses where this probe
 * connects: it sends nothing secret (no PostgreSQL login, no API credentials: {@code GET /patroni}
 * is open, as in Patroni), reads at most {@value #MAX_BODY_BYTES} bytes of the answer, and gives up
 * on a peer at the caller's deadline whatever the peer does. A few threads serve all the requests
 * (the HTTP client does not hold a thread per open exchange). Kept-alive connections answer the
 * next question, as a hand-over asks the same peers several times within a second.
 */
final class PeerProbe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerProbe.class);
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int THREADS = 2;

  private final String me;
  private final ExecutorService pool;
  private final HttpClient http;

  PeerProbe(String me) {
    this(me, Optional.empty());
  }

  /**
   * @param tls how to call peers whose {@code api_url} is https: trust {@code restapi.cafile} and
   *     present this member's certificate, as failsafe heartbeats do (the JDK's defaults without)
   */
  PeerProbe(String me, Optional<SSLContext> tls) {
    this.me = me;
    this.pool =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "pgha-peers-" + me);
              t.setDaemon(true);
              return t;
            });
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .executor(pool)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
    // The first exchange loads the HTTP stack, half a second on a loaded host: paid now, in the
    // background, rather than inside the first election's deadline. Nothing listens there.
    http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/patroni")).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** The positions of those of {@code members} that answered within {@code timeout}. */
  PeerPositions positions(Collection<Member> members, Duration timeout) {
    Map<String, CompletableFuture<Optional<PeerPosition>>> asked = new HashMap<>();
    for (Member member : members) {
      if (!member.name().equals(me)) {
        asked.put(member.name(), bounded(member, timeout));
      }
    }
    Map<String, PeerPosition> answered = new HashMap<>();
    asked.forEach((name, future) -> future.join().ifPresent(p -> answered.put(name, p)));
    return new PeerPositions(answered);
  }

  /**
   * The position of {@code member} if it answers within {@code timeout}. A hung peer (its sockets
   * open, nothing answering, or an answer trickling in) costs the caller {@code timeout}.
   */
  Optional<PeerPosition> position(ClusterView view, String member, Duration timeout) {
    return view.member(member).flatMap(m -> bounded(m, timeout).join());
  }

  private CompletableFuture<Optional<PeerPosition>> bounded(Member member, Duration timeout) {
    URI uri;
    try {
      uri = statusUri(member.apiUrl());
    } catch (IllegalArgumentException e) {
      LOG.debug(
          "[{}] peer {}: api_url ({}) {}", me, member.name(), member.apiUrl(), e.getMessage());
      return CompletableFuture.completedFuture(Optional.empty());
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> exchange;
    try {
      exchange = http.sendAsync(request, CappedBody.handler(MAX_BODY_BYTES));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletableFuture<Optional<PeerPosition>> answer =
        exchange
            .thenApply(r -> PeerStatusDocument.position(member.name(), r.body()))
            .exceptionally(
                e -> {
                  LOG.debug("[{}] peer {} at {} did not answer: {}", me, member.name(), uri, e);
                  return Optional.empty();
                })
            .completeOnTimeout(Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS);
    // At the deadline the exchange is abandoned: a peer that holds it open keeps nothing of ours.
    answer.whenComplete((r, e) -> exchange.cancel(true));
    return answer;
  }

  /** {@code http://host:port/patroni} (any path of the published URL is replaced). */
  static URI statusUri(String apiUrl) {
    if (apiUrl == null || apiUrl.isBlank()) {
      throw new IllegalArgumentException("is missing");
    }
    URI uri = URI.create(apiUrl.strip());
    String scheme = uri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
        || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an http(s) URL with a host");
    }
    return uri.resolve("/patroni");
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
