package io.pgha.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/** One client connection through a {@link FaultProxy}: a thread per direction. */
final class ProxyConnection {

  private static final int CONNECT_TIMEOUT_MILLIS = 5000;
  private static final int BUFFER_SIZE = 16 * 1024;

  private final FaultProxy proxy;
  private final Socket client;
  private final Socket upstream = new Socket();
  private final String targetHost;
  private final int targetPort;

  ProxyConnection(FaultProxy proxy, Socket client, String targetHost, int targetPort) {
    this.proxy = proxy;
    this.client = client;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Connects to the target and starts copying, on the connection's own threads. */
  Thread start() {
    return proxy.spawn("up-" + client.getPort(), this::connectAndCopyUp);
  }

  private void connectAndCopyUp() {
    try {
      upstream.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      reset(); // the target is down: the client sees its connection reset
      return;
    }
    if (proxy.spawn("down-" + client.getPort(), () -> copy(upstream, client)) == null) {
      reset();
      return;
    }
    copy(client, upstream);
  }

  private void copy(Socket from, Socket to) {
    byte[] buffer = new byte[BUFFER_SIZE];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int read = in.read(buffer);
        if (read < 0) {
          closeBoth();
          return;
        }
        if (!proxy.awaitForwarding(System.nanoTime())) {
          break; // cut or closed
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // The peer or the proxy closed a socket: the connection is over.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reset();
  }

  /** Closes both sides normally: one peer hung up, so the other hears an orderly close. */
  private void closeBoth() {
    closeQuietly(client);
    closeQuietly(upstream);
    proxy.removed(this);
  }

  /** Closes both sides with a TCP reset, as a broken link would. Idempotent. */
  void reset() {
    abort(client);
    abort(upstream);
    proxy.removed(this);
  }

  /** Closes {@code socket} with a TCP reset. */
  static void abort(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (SocketException e) {
      // Not connected or already closed; closing below is all that is left.
    }
    closeQuietly(socket);
  }

  static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Nothing to do: the resource is gone either way.
    }
  }
}
