package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What load balancers and old clients send, byte for byte: HAProxy's HTTP/1.0 checks without a Host
 * header, requests pipelined on one connection, oversized headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawHttpTest {
  private PghaApiServer server;

  @BeforeAll
  void start() {
    server =
        PghaApiServer.start(
            ApiConfig.builder().listen("127.0.0.1", 0).build(),
            Snapshots::leader,
            null,
            ManagementActions.unavailable(),
            Clock.systemUTC(),
            () -> Snapshots.NOW);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** Sends {@code request} and reads until the server closes the connection. */
  private String exchange(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout(5_000);
      s.connect(server.address(), 2_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void haproxysHttp10CheckIsAnsweredAndTheConnectionClosed() throws IOException {
    String answer = exchange("OPTIONS /primary HTTP/1.0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(exchange("OPTIONS /replica HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 503 ");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    String answer =
        exchange(
            "GET /replica HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD /primary HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    int replica = answer.indexOf("HTTP/1.1 503 ");
    int primary = answer.indexOf("HTTP/1.1 200 ", replica);
    int health = answer.indexOf("HTTP/1.1 200 ", primary + 1);
    assertThat(replica).isZero();
    assertThat(primary).isPositive();
    assertThat(health).isGreaterThan(primary);
  }

  @Test
  void oversizedHeadersAreRefused() throws IOException {
    String answer =
        exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertThat(answer).matches("(?s)HTTP/1.1 4\\d\\d .*");
  }

  @Test
  void garbageIsABadRequest() throws IOException {
    assertThat(exchange("\u0001\u0002 nonsense\r\n\r\n")).startsWith("HTTP/1.1 400 ");
  }
}
