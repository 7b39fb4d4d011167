package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pgha.core.ha.PeerPosition;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The peer probe asks the peers' HTTP API and nothing else, within its deadline. */
class PeerProbeTest {
  private static final Duration TIMEOUT = Duration.ofMillis(800);
  private static final Duration ANSWERED = Duration.ofSeconds(10);
  private static final String SECRET = "superuser-secret-4711";

  @Test
  void readsAPrimaryAndAReplicaAsPatroniDoes() throws IOException {
    AtomicReference<String> replica =
        new AtomicReference<>(
            "{\"state\":\"running\",\"role\":\"replica\",\"timeline\":3,"
                + "\"xlog\":{\"received_location\":500,\"replayed_location\":400}}");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/patroni",
        ex -> {
          byte[] bytes = replica.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    server.start();
    try (PeerProbe probe = new PeerProbe("me")) {
      String api = "http://127.0.0.1:" + server.getAddress().getPort() + "/patroni";
      ClusterView view = view(member("peer", "postgres://127.0.0.1:1/postgres", api));

      assertThat(probe.position(view, "peer", ANSWERED))
          .contains(new PeerPosition("peer", false, 3, 500));

      replica.set(
          "{\"state\":\"running\",\"role\":\"primary\",\"timeline\":4,"
              + "\"xlog\":{\"location\":900}}");
      assertThat(probe.positions(view.members().values(), ANSWERED).get("peer"))
          .contains(new PeerPosition("peer", true, 4, 900));

      // The agent answers but its PostgreSQL does not: no position, as before.
      replica.set("{\"state\":\"stopped\",\"role\":\"replica\"}");
      assertThat(probe.position(view, "peer", TIMEOUT)).isEmpty();
    } finally {
      server.stop(0);
    }
  }

  /**
   * A forged member key points both its conn_url (at a listener that asks for a cleartext password
   * as PostgreSQL would) and its api_url at listeners that record what they receive: the superuser
   * password never arrives.
   */
  @Test
  void aForgedMemberKeyCollectsNoPassword() throws Exception {
    try (Recorder postgres = new Recorder(true);
        Recorder api = new Recorder(false);
        PeerProbe probe = new PeerProbe("me")) {
      ClusterView view =
          view(
              member(
                  "forged",
                  "postgres://127.0.0.1:" + postgres.port() + "/postgres",
                  "http://127.0.0.1:" + api.port() + "/patroni"));

      long started = System.nanoTime();
      assertThat(probe.positions(view.members().values(), TIMEOUT).get("forged")).isEmpty();
      assertThat(probe.position(view, "forged", TIMEOUT)).isEmpty();
      long elapsed = System.nanoTime() - started;

      // The recorders answer nothing: each question ends at its deadline, not later.
      assertThat(Duration.ofNanos(elapsed)).isLessThan(TIMEOUT.multipliedBy(2).plusSeconds(2));
      assertThat(postgres.received()).doesNotContain(SECRET);
      assertThat(api.received()).doesNotContain(SECRET);
      assertThat(api.received()).startsWith("GET /patroni HTTP/1.1");
      assertThat(api.received()).doesNotContainIgnoringCase("authorization");
    }
  }

  @Test
  void anOversizedAnswerIsNoAnswer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/patroni",
        ex -> {
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(
                "{\"role\":\"replica\",\"xlog\":{\"received_location\":1},\"x\":\""
                    .getBytes(StandardCharsets.UTF_8));
            out.write(new byte[PeerProbe.MAX_BODY_BYTES]);
            out.write("\"}".getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            // the probe hung up, as it should
          }
        });
    server.start();
    try (PeerProbe probe = new PeerProbe("me")) {
      String api = "http://127.0.0.1:" + server.getAddress().getPort();
      ClusterView view = view(member("peer", "", api));
      assertThat(probe.position(view, "peer", TIMEOUT)).isEmpty();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aMissingOrForeignApiUrlIsNoAnswer() {
    try (PeerProbe probe = new PeerProbe("me")) {
      ClusterView view =
          view(
              member("none", "postgres://127.0.0.1:1/postgres", ""),
              member("file", "", "file:///etc/passwd"));
      assertThat(probe.positions(view.members().values(), TIMEOUT).byMember()).isEmpty();
    }
  }

  private static ClusterView view(Member... members) {
    ClusterView.Builder b = ClusterView.builder();
    for (Member m : members) {
      b.member(m);
    }
    return b.build();
  }

  private static Member member(String name, String connUrl, String apiUrl) {
    return Member.builder(name)
        .state("running")
        .role(Role.REPLICA)
        .connUrl(connUrl)
        .apiUrl(apiUrl)
        .build();
  }

  /**
   * Accepts connections and records every byte; as a PostgreSQL server it declines TLS and asks for
   * a cleartext password after the startup packet, which is when a client would send it.
   */
  private static final class Recorder implements AutoCloseable {
    private final ServerSocket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Socket> accepted = new ArrayList<>();
    private final Thread acceptor;

    Recorder(boolean postgres) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    synchronized (accepted) {
                      accepted.add(s);
                    }
                    Thread t = new Thread(() -> serve(s, postgres), "recorder-conn");
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "recorder");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    String received() {
      synchronized (received) {
        return received.toString(StandardCharsets.ISO_8859_1);
      }
    }

    private void serve(Socket s, boolean postgres) {
      try (s) {
        InputStream in = s.getInputStream();
        if (postgres) {
          DataInputStream data = new DataInputStream(in);
          while (true) {
            int length = data.readInt();
            byte[] rest = new byte[length - 4];
            data.readFully(rest);
            record(rest);
            int code =
                ((rest[0] & 0xff) << 24)
                    | ((rest[1] & 0xff) << 16)
                    | ((rest[2] & 0xff) << 8)
                    | (rest[3] & 0xff);
            if (code == 80877103 || code == 80877104) {
              s.getOutputStream().write('N'); // no TLS, no GSS encryption
              continue;
            }
            // AuthenticationCleartextPassword: 'R', length 8, code 3.
            s.getOutputStream().write(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 3});
            break;
          }
        }
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
          record(java.util.Arrays.copyOf(buf, n));
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    private void record(byte[] bytes) {
      synchronized (received) {
        received.writeBytes(bytes);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }
}
