package io.pgha.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1, chosen below the kernel's ephemeral range: a port from that range
 * can be taken at any moment as the source port of an outgoing connection (a client's, a proxy's),
 * and a member whose port was taken that way between the choice and its start (or its restart on
 * the same port) cannot start at all.
 */
final class Ports {

  static final String LOOPBACK = "127.0.0.1";

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int EPHEMERAL_DEFAULT_START = 32_768;

  // Never hand out the same port twice in one JVM: a stopped member keeps its ports for restart.
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  /**
   * A port that was free a moment ago. Another process may still bind it before we do, so launchers
   * retry with a fresh port when the bind fails.
   */
  static synchronized int free() {
    int end = ephemeralStart();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port between " + LOWEST + " and " + end + " on " + LOOPBACK + " in 200 attempts");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
  static int ephemeralStart() {
    try {
      String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
      int start = Integer.parseInt(range[0]);
      return start > LOWEST + 1_000 ? start : EPHEMERAL_DEFAULT_START;
    } catch (IOException | RuntimeException e) {
      return EPHEMERAL_DEFAULT_START;
    }
  }
}
