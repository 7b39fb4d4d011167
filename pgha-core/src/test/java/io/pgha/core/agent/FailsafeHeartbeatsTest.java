package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.sun.net.httpserver.HttpServer;
import io.pgha.core.config.Credentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leader's heartbeat round against real HTTP servers on 127.0.0.1. */
class FailsafeHeartbeatsTest {
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private String base;
  private FailsafeHeartbeats heartbeats;

  @BeforeEach
  void start() throws IOException {
    base = serve(200, "Accepted", 0);
    heartbeats =
        new FailsafeHeartbeats(
            "pg-1",
            "postgres://127.0.0.1:5432/postgres",
            base + "/patroni",
            Optional.empty(),
            Optional.empty());
  }

  @AfterEach
  void stop() {
    heartbeats.close();
    servers.forEach(s -> s.stop(0));
  }

  /** A member's API answering {@code POST /failsafe} with {@code code} after {@code delay} ms. */
  private String serve(int code, String text, long delay) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/failsafe",
        ex -> {
          sleep(delay);
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          byte[] out = text.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(code, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void theApiCredentialsGoWithEveryCallWhenConfigured() {
    try (FailsafeHeartbeats withAuth =
        new FailsafeHeartbeats(
            "pg-1",
            "postgres://127.0.0.1:5432/postgres",
            base + "/patroni",
            Optional.of(new Credentials("patroni", "s3cret")),
            Optional.empty())) {
      assertThat(withAuth.confirm(Map.of("pg-2", base + "/patroni"), Duration.ofSeconds(2)))
          .returns(true, FailsafeHeartbeats.Round::allAccepted);
    }
    heartbeats.confirm(Map.of("pg-3", base + "/patroni"), Duration.ofSeconds(2));

    // "patroni:s3cret" in Base64; nothing at all without credentials.
    assertThat(authorizations).containsExactly("Basic cGF0cm9uaTpzM2NyZXQ=", "null");
  }

  @Test
  void theLeadersPermanentSlotPositionsGoWithTheHeartbeat() {
    heartbeats.confirm(
        Map.of("pg-2", base + "/patroni"), Duration.ofSeconds(2), Map.of("dcs_slot_0", 5000L));

    assertThat(bodies).singleElement().asString().endsWith(",\"slots\":{\"dcs_slot_0\":5000}}");
  }

  @Test
  void everyMemberAcceptingMakesAConfirmedRound() {
    FailsafeHeartbeats.Round round =
        heartbeats.confirm(
            Map.of("pg-2", base + "/patroni", "pg-3", base + "/patroni"), Duration.ofSeconds(2));

    assertThat(round.allAccepted()).isTrue();
    assertThat(bodies)
        .hasSize(2)
        .allSatisfy(
            b ->
                assertThat(b)
                    .isEqualTo(
                        "{\"name\":\"pg-1\",\"conn_url\":\"postgres://127.0.0.1:5432/postgres\","
                            + "\"api_url\":\""
                            + base
                            + "/patroni\",\"slots\":{}}"));
  }

  @Test
  void oneMemberRefusingSilentOrUnknownSpoilsTheRound() throws IOException {
    String refusing = serve(409, "Running as a leader", 0);
    String slow = serve(200, "Accepted", 6000);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Map<String, String> members = new LinkedHashMap<>();
    members.put("ok", base + "/patroni");
    members.put("refuses", refusing + "/patroni");
    members.put("down", "http://127.0.0.1:" + closedPort + "/patroni");
    members.put("slow", slow + "/patroni");
    members.put("no-url", "");

    long started = System.nanoTime();
    FailsafeHeartbeats.Round round = heartbeats.confirm(members, Duration.ofMillis(2000));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(round.allAccepted()).isFalse();
    assertThat(round.refusals()).containsOnlyKeys("refuses", "down", "slow", "no-url");
    assertThat(round.refusals().get("refuses")).isEqualTo("answered 409 Running as a leader");
    assertThat(round.refusals().get("slow")).isEqualTo("no answer within 2000ms");
    assertThat(round.refusals().get("no-url")).contains("the member publishes no api_url");
  }

  @Test
  void theFailsafePathReplacesTheStatusPath() {
    assertThat(FailsafeHeartbeats.failsafeUri("http://10.0.0.1:8008/patroni"))
        .isEqualTo(URI.create("http://10.0.0.1:8008/failsafe"));
    assertThat(FailsafeHeartbeats.failsafeUri("https://db1:8008"))
        .isEqualTo(URI.create("https://db1:8008/failsafe"));
    assertThatIllegalArgumentException().isThrownBy(() -> FailsafeHeartbeats.failsafeUri("db1"));
    assertThat(FailsafeHeartbeats.names(Map.of("a", "x"))).isEqualTo("[a]");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
