package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class LocalHaproxyTest {

  @Test
  void startsOnItsConfigurationAndStopsOnClose() {
    assumeTrue(LocalHaproxy.binary().isPresent(), "haproxy is not installed");
    int port = Testkit.freePort();
    String config =
        "defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n"
            + "listen probe\n  bind 127.0.0.1:"
            + port
            + "\n  server none 127.0.0.1:1\n";
    LocalHaproxy haproxy = LocalHaproxy.start(config, port);
    try {
      assertThat(accepts(port)).isTrue();
      assertThat(ProcessTracker.alive()).anyMatch(p -> p.pid() == haproxy.pid());
    } finally {
      haproxy.close();
    }
    assertThat(accepts(port)).isFalse();
  }

  @Test
  void aConfigurationHaproxyRejectsFailsWithItsMessage() {
    assumeTrue(LocalHaproxy.binary().isPresent(), "haproxy is not installed");
    assertThatThrownBy(() -> LocalHaproxy.start("listen broken\n  frobnicate yes\n", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("haproxy rejects")
        .hasMessageContaining("frobnicate");
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
