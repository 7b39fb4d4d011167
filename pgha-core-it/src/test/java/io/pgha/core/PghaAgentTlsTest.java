package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgha.testkit.TestCa;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Agents configured as Patroni's {@code postgresql.authentication.*} TLS keys would configure them:
 * servers with {@code ssl=on} and a certificate of a test CA, every client with {@code
 * sslmode=verify-full}. Two members clone and stream over TLS; a third that trusts another CA never
 * clones, and its log names the setting.
 */
class PghaAgentTlsTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static LocalPghaCluster cluster;
  private static TestCa ca;
  private static TestCa otherCa;

  @BeforeAll
  static void startCluster() {
    assumeTrue(TestCa.isAvailable(), TestCa.UNAVAILABLE);
    ca = TestCa.create();
    otherCa = TestCa.create("other-ca");
    TestCa.Issued server = ca.issue("server", List.of("127.0.0.1"), List.of("localhost"));
    cluster =
        new LocalPghaCluster(
            3, Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(2));
    for (Node node : cluster.nodes()) {
      Path trusted = node.name.equals("pg3") ? otherCa.caCert() : ca.caCert();
      node.configure(
          b ->
              b.postgres(
                  pg ->
                      pg.parameter("ssl", "on")
                          .parameter("ssl_cert_file", server.cert().toString())
                          .parameter("ssl_key_file", server.key().toString())
                          .superuserSecurity(s -> s.sslMode("verify-full").sslRootCert(ca.caCert()))
                          .replicationSecurity(
                              s ->
                                  s.sslMode("verify-full")
                                      .sslRootCert(trusted)
                                      .channelBinding("require"))));
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void membersCloneAndStreamOverVerifiedTlsAndAWrongCaNamesTheSetting() throws Exception {
    Node pg1 = cluster.node("pg1");
    Node pg2 = cluster.node("pg2");
    Node pg3 = cluster.node("pg3");
    pg1.start();
    await().atMost(CONVERGE).until(pg1::isWritablePrimary);
    pg2.start();
    await().atMost(CONVERGE).until(pg2::isStreamingReplica);
    pg1.execute("CREATE TABLE tls_t (id int PRIMARY KEY)");
    pg1.execute("INSERT INTO tls_t VALUES (1)");
    await().atMost(CONVERGE).until(() -> count(pg2, "SELECT count(*) FROM tls_t") == 1);
    assertThat(
            count(
                pg1,
                "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl l USING (pid)"
                    + " WHERE r.application_name = 'pg2' AND l.ssl"))
        .as("pg2's WAL receiver connected over TLS")
        .isEqualTo(1);

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try {
      pg3.start();
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  List.copyOf(logs.list).stream()
                      .map(ILoggingEvent::getFormattedMessage)
                      .anyMatch(
                          m ->
                              m.contains("pg3")
                                  && m.contains("postgresql.authentication.replication")
                                  && m.contains("sslrootcert=" + otherCa.caCert())
                                  && m.contains("certificate verify failed")));
    } finally {
      root.detachAppender(logs);
    }
    assertThat(pg3.isReplica()).as("pg3 could not clone").isFalse();
    assertThat(List.copyOf(logs.list).stream().map(ILoggingEvent::getFormattedMessage).toList())
        .noneMatch(m -> m.contains(LocalPghaCluster.superuserPassword()));
  }

  private static int count(Node node, String sql) throws Exception {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
