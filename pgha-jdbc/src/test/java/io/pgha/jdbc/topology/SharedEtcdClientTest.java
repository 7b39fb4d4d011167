package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.testkit.LocalEtcd;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Etcd topology sources of the same endpoints in one JVM (several DataSources of an application)
 * share one etcd connection, each keeps its own watch, and the last one to close closes the
 * connection. Connections are counted in /proc/net/tcp, as etcd sees them.
 */
class SharedEtcdClientTest {

  private static final String PREFIX = "/service/pg-test/";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void sourcesOfTheSameEndpointsShareOneConnectionUntilTheLastCloses() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(1)) {
      String endpoint = etcd.clientEndpoints().get(0);
      int port = URI.create(endpoint).getPort();
      try (Client writer = Client.builder().endpoints(endpoint).build()) {
        put(writer, PREFIX + "leader", "pg-test-2");
        put(writer, PREFIX + "members/pg-test-2", member("primary", 5432));
        put(writer, PREFIX + "members/pg-test-3", member("replica", 5433));
        int before = connectionsTo(port);

        AtomicReference<Topology> first = new AtomicReference<>();
        AtomicReference<Topology> second = new AtomicReference<>();
        TopologySource a = TopologySources.etcd(List.of(endpoint), PREFIX);
        TopologySource b = TopologySources.etcd(List.of(endpoint), PREFIX);
        try {
          a.start(first::set, TIMEOUT);
          b.start(second::set, TIMEOUT);
          assertThat(first.get().leaderName()).isEqualTo("pg-test-2");
          assertThat(second.get().leaderName()).isEqualTo("pg-test-2");
          assertThat(connectionsTo(port) - before).isEqualTo(1);

          // Closing one source leaves the other one's watch (and the connection) working.
          a.close();
          put(writer, PREFIX + "leader", "pg-test-3");
          assertThat(within(() -> "pg-test-3".equals(second.get().leaderName()))).isTrue();
          assertThat(first.get().leaderName()).isEqualTo("pg-test-2");
          assertThat(connectionsTo(port) - before).isEqualTo(1);
        } finally {
          a.close();
          b.close();
        }
        assertThat(within(() -> connectionsTo(port) == before)).isTrue();
      }
    }
  }

  @Test
  void closeDoesNotWaitForAPublishDelayedToADrainsEnd() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(1)) {
      String endpoint = etcd.clientEndpoints().get(0);
      try (Client writer = Client.builder().endpoints(endpoint).build()) {
        put(writer, PREFIX + "leader", "pg-test-2");
        put(writer, PREFIX + "members/pg-test-2", member("primary", 5432));
        // A leader draining for a minute: the source schedules a publish for the drain's end.
        put(writer, PREFIX + "drain", "{\"leader\": \"pg-test-2\", \"timeout_ms\": 60000}");
        AtomicReference<Topology> seen = new AtomicReference<>();
        TopologySource source = TopologySources.etcd(List.of(endpoint), PREFIX);
        try {
          source.start(seen::set, TIMEOUT);
          assertThat(seen.get().drainingLeader()).isEqualTo("pg-test-2");
        } finally {
          long start = System.nanoTime();
          source.close();
          // Its executor used to run the delayed publish after shutdown, so close() waited out
          // its 2 s bound; closing a DataSource during a switchover's drain cost that much.
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
      }
    }
  }

  private static String member(String role, int port) {
    return "{\"conn_url\":\"postgres://127.0.0.1:"
        + port
        + "/postgres\",\"api_url\":\"http://127.0.0.1:8008/patroni\",\"state\":\"running\","
        + "\"role\":\""
        + role
        + "\",\"version\":\"3.0.2\",\"xlog_location\":100,\"timeline\":1}";
  }

  /**
   * Established TCP connections whose far end is 127.0.0.1:{@code port} (clients of etcd), over
   * IPv4 or IPv4-mapped IPv6 sockets (Java's default).
   */
  private static int connectionsTo(int port) {
    String farEnd = String.format("0100007F:%04X", port);
    int count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        count +=
            (int)
                Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII).stream()
                    .skip(1)
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f[2].endsWith(farEnd) && f[3].equals("01"))
                    .count();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + table, e);
      }
    }
    return count;
  }

  private static boolean within(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  private static void put(Client client, String key, String value) throws Exception {
    client.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
