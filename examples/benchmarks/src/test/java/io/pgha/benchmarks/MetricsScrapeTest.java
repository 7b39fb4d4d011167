package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An etcd's /metrics read over HTTP: bounded in size and time, and checked for etcd's figures. */
class MetricsScrapeTest {
  private static final String ETCD =
      """
      # TYPE process_cpu_seconds_total counter
      process_cpu_seconds_total 12.5
      process_resident_memory_bytes 6.0e+07
      etcd_mvcc_put_total 40
      etcd_mvcc_db_total_size_in_bytes 2.097152e+06
      etcd_server_is_leader 1
      """;

  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private HttpServer server;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        x -> {
          byte[] body = ETCD.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/big",
        x -> {
          x.sendResponseHeaders(200, 0); // chunked: no length announced
          try (OutputStream out = x.getResponseBody()) {
            byte[] line = "etcd_mvcc_put_total 1\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 10_000; i++) {
              out.write(line);
            }
          } catch (IOException e) {
            // the reader gave up: expected
          }
        });
    server.createContext(
        "/slow",
        x -> {
          x.sendResponseHeaders(200, 0);
          try (OutputStream out = x.getResponseBody()) {
            out.write("process_cpu".getBytes(StandardCharsets.UTF_8));
            out.flush();
            release.await(); // the body never ends while the reader waits
          } catch (InterruptedException | IOException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.createContext(
        "/other",
        x -> {
          byte[] body = "go_goroutines 12\n".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(handlers);
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void cpuAndRssOfAnExternalMemberComeFromItsMetrics() {
    FleetEtcdSample s = FleetEtcdSample.fromMetrics(url("/metrics"));

    assertThat(s.cpuSeconds()).isEqualTo(12.5);
    assertThat(s.rssBytes()).isEqualTo(60_000_000L);
    assertThat(s.metric(FleetEtcdSample.PUTS)).isEqualTo(40.0);
  }

  @Test
  void anEndpointWithoutEtcdsFiguresIsRefused() {
    assertThatThrownBy(() -> FleetEtcdSample.fromMetrics(url("/other")))
        .hasMessageContaining("has no process_cpu_seconds_total")
        .hasMessageContaining("/other");
  }

  @Test
  void aBodyOverTheCapIsRefused() {
    assertThatThrownBy(() -> MetricsScrape.read(url("/big"), Duration.ofSeconds(10), 64 * 1024))
        .hasMessageContaining("larger than 65536 bytes");
  }

  @Test
  void aBodyThatNeverEndsTimesOut() {
    long t = System.nanoTime();

    assertThatThrownBy(() -> MetricsScrape.read(url("/slow"), Duration.ofMillis(500), 1 << 20))
        .hasMessageContaining("did not answer within");
    assertThat((System.nanoTime() - t) / 1_000_000).as("bounded, not hung").isLessThan(20_000);
  }

  @Test
  void anErrorStatusIsRefused() {
    assertThatThrownBy(() -> MetricsScrape.read(url("/nothing")))
        .hasMessageContaining("answered HTTP 404");
  }
}
