package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP topology source reads bounded answers only. */
class HttpClusterTopologySourceTest {

  @Test
  void anAnswerLargerThanTheCapIsRefused() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/cluster",
        ex -> {
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            out.write("{\"members\": [], \"x\": \"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 64; i++) {
              out.write(chunk);
            }
            out.write("\"}".getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            // the client hung up, as it should
          }
        });
    server.start();
    HttpClusterTopologySource source = source(server);
    try {
      assertThatThrownBy(source::poll)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("larger than " + HttpClusterTopologySource.MAX_BODY_BYTES);
    } finally {
      source.close();
      server.stop(0);
    }
  }

  @Test
  void anOrdinaryAnswerIsRead() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body =
        ("{\"members\": [{\"name\": \"a\", \"role\": \"leader\", \"state\": \"running\","
                + " \"host\": \"127.0.0.1\", \"port\": 5432}]}")
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/cluster",
        ex -> {
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    HttpClusterTopologySource source = source(server);
    try {
      assertThat(source.poll().leaderName()).isEqualTo("a");
    } finally {
      source.close();
      server.stop(0);
    }
  }

  private static HttpClusterTopologySource source(HttpServer server) {
    return new HttpClusterTopologySource(
        List.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())),
        Duration.ofSeconds(1));
  }
}
