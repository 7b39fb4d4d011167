package io.pgha.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 (UDP, a free port) that answers SRV queries from a table the test
 * fills, and NXDOMAIN to anything else: for etcd discovery through {@code _etcd-client._tcp}
 * records without touching the machine's resolver. Point a resolver at {@link #url()}.
 */
public final class SrvDnsResponder implements AutoCloseable {
  private static final int TYPE_SRV = 33;

  /** One SRV record: {@code priority weight port target}. */
  public record Srv(int priority, int weight, int port, String target) {}

  private final DatagramSocket socket;
  private final Map<String, List<Srv>> records = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private final Thread thread;

  private SrvDnsResponder(DatagramSocket socket) {
    this.socket = socket;
    this.thread = new Thread(this::serve, "srv-dns-" + socket.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts answering on 127.0.0.1 and a free port. */
  public static SrvDnsResponder start() {
    try {
      return new SrvDnsResponder(
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers {@code name} (e.g. {@code _etcd-client._tcp.example.test}) with these records. */
  public SrvDnsResponder srv(String name, Srv... answers) {
    records.put(normalize(name), List.of(answers));
    return this;
  }

  /** Forgets the records of {@code name}: it is answered NXDOMAIN. */
  public void remove(String name) {
    records.remove(normalize(name));
  }

  /** {@code dns://127.0.0.1:<port>}, for JNDI's DNS provider. */
  public String url() {
    return "dns://127.0.0.1:" + socket.getLocalPort();
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Queries answered so far. */
  public int queries() {
    return queries.get();
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private void serve() {
    byte[] buffer = new byte[512];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        byte[] answer = answer(buffer, packet.getLength());
        if (answer != null) {
          queries.incrementAndGet();
          socket.send(
              new DatagramPacket(answer, answer.length, packet.getAddress(), packet.getPort()));
        }
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  /** The reply to one query; null for what is not a query. */
  private byte[] answer(byte[] q, int length) {
    if (length < 12 || (q[2] & 0x80) != 0) {
      return null;
    }
    int pos = 12;
    List<String> labels = new ArrayList<>();
    while (pos < length && q[pos] != 0) {
      int len = q[pos] & 0xFF;
      if (len > 63 || pos + 1 + len > length) {
        return null;
      }
      labels.add(new String(q, pos + 1, len, StandardCharsets.US_ASCII));
      pos += 1 + len;
    }
    int questionEnd = pos + 5; // the root label, QTYPE, QCLASS
    if (questionEnd > length) {
      return null;
    }
    int type = ((q[pos + 1] & 0xFF) << 8) | (q[pos + 2] & 0xFF);
    List<Srv> found = records.get(normalize(String.join(".", labels)));
    boolean known = found != null && type == TYPE_SRV;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(q[0]);
    out.write(q[1]);
    out.write(0x84 | (q[2] & 0x01)); // a response, authoritative, RD echoed
    out.write(known ? 0x00 : 0x03); // NOERROR or NXDOMAIN
    writeShort(out, 1);
    writeShort(out, known ? found.size() : 0);
    writeShort(out, 0);
    writeShort(out, 0);
    out.write(q, 12, questionEnd - 12);
    if (known) {
      for (Srv srv : found) {
        writeShort(out, 0xC00C); // the name of the question
        writeShort(out, TYPE_SRV);
        writeShort(out, 1); // IN
        writeShort(out, 0);
        writeShort(out, 5); // ttl 5 s
        byte[] target = name(srv.target());
        writeShort(out, 6 + target.length);
        writeShort(out, srv.priority());
        writeShort(out, srv.weight());
        writeShort(out, srv.port());
        out.write(target, 0, target.length);
      }
    }
    return out.toByteArray();
  }

  private static byte[] name(String dotted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : normalize(dotted).split("\\.")) {
      byte[] b = label.getBytes(StandardCharsets.US_ASCII);
      out.write(b.length);
      out.write(b, 0, b.length);
    }
    out.write(0);
    return out.toByteArray();
  }

  private static void writeShort(ByteArrayOutputStream out, int v) {
    out.write((v >> 8) & 0xFF);
    out.write(v & 0xFF);
  }
}
