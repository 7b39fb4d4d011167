package io.pgha.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Watches the leader key in etcd from the fault on (a read every 10 ms through etcd's JSON gateway,
 * on a thread of its own) and keeps the first moment it names a member other than the old leader:
 * the moment the cluster has chosen a new leader, the same for both systems and every client. What
 * a client takes after that moment is the client's own share of the unavailability; what comes
 * before is the lease running out, which differs from run to run with the phase of the last
 * keep-alive.
 */
final class LeaderKeyWatch implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PERIOD_MILLIS = 10;

  private final HttpRequest range;
  private final String oldLeader;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long movedNanos;
  private volatile boolean moved;

  /**
   * Starts watching.
   *
   * @param etcdEndpoint etcd's client URL ({@code http://127.0.0.1:PORT})
   * @param key the leader key ({@code /service/<scope>/leader})
   * @param oldLeader the member that led before the fault
   */
  LeaderKeyWatch(String etcdEndpoint, String key, String oldLeader) {
    String body =
        "{\"key\":\""
            + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))
            + "\"}";
    this.range =
        HttpRequest.newBuilder(URI.create(etcdEndpoint + "/v3/kv/range"))
            .timeout(Duration.ofSeconds(1))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    this.oldLeader = oldLeader;
    this.thread = new Thread(this::loop, "leader-key-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stopped) {
      String leader = read();
      if (leader != null && !leader.isEmpty() && !leader.equals(oldLeader)) {
        movedNanos = System.nanoTime();
        moved = true;
        return;
      }
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The leader key's value now; empty when there is none, null when etcd did not answer. */
  private String read() {
    try {
      HttpResponse<String> r = HTTP.send(range, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return null;
      }
      JsonNode value = JSON.readTree(r.body()).path("kvs").path(0).path("value");
      return value.isMissingNode()
          ? ""
          : new String(Base64.getDecoder().decode(value.asString("")), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** When the key first named another member, if it did. */
  OptionalLong movedNanos() {
    return moved ? OptionalLong.of(movedNanos) : OptionalLong.empty();
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
