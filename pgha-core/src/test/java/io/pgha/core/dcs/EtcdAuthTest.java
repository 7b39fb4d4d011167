package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgha.testkit.LocalEtcd;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** etcd with authentication on: pgha logs in with user and password and never logs the password. */
class EtcdAuthTest {
  private static final String PASSWORD = "Pa55-never-logged";
  private static LocalEtcd etcd;

  @BeforeAll
  static void startEtcdWithAuth() throws Exception {
    etcd = LocalEtcd.start(1);
    String endpoint = etcd.clientEndpoints().get(0);
    etcdctl(endpoint, "user", "add", "root:" + PASSWORD, "--interactive=false");
    etcdctl(endpoint, "auth", "enable");
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void credentialsOpenTheDoorAndStayOutOfTheLogs() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try (Contenders cluster =
        new Contenders(etcd.clientEndpoints(), Duration.ofSeconds(3), "root", PASSWORD)) {
      EtcdDcs a = cluster.start("a");
      assertThat(a.acquireLeader()).isTrue();
      assertThat(a.refresh().isLeader("a")).isTrue();
      // Renewed on the keep-alive stream with the client's credentials: held past the ttl.
      long renewed = a.leaseStatus().lastConfirmedSendNanos();
      Thread.sleep(4000);
      assertThat(a.leaseStatus().lastConfirmedSendNanos() - renewed).isPositive();
      assertThat(a.holdsLeadership()).isTrue();

      EtcdDcs intruder = EtcdDcs.connect(cluster.config("x").credentials("root", "wrong").build());
      try {
        assertThatThrownBy(intruder::refresh)
            .isInstanceOf(DcsException.class)
            .hasMessageNotContaining("wrong");
        assertThatThrownBy(intruder::acquireLeader).isInstanceOf(DcsException.class);
      } finally {
        intruder.close();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> a.holdsLeadership());
    } finally {
      root.detachAppender(logs);
    }
    List<String> lines =
        logs.list.stream().map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy()).toList();
    assertThat(lines).isNotEmpty().noneMatch(l -> l.contains(PASSWORD));
  }

  private static void etcdctl(String endpoint, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("etcdctl " + args[0] + " did not finish");
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as("etcdctl %s: %s", String.join(" ", args), out).isZero();
  }
}
