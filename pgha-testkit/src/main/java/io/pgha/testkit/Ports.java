package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1. */
final class Ports {

  static final String LOOPBACK = "127.0.0.1";

  // Never hand out the same port twice in one JVM: a stopped member keeps its ports for restart.
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  /**
   * A port that was free a moment ago. Another process may still take it before we bind it, so
   * launchers retry with a fresh port when the bind fails.
   */
  static synchronized int free() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + LOOPBACK, e);
      }
    }
    throw new IllegalStateException("no new free port on " + LOOPBACK + " after 50 attempts");
  }
}
