package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The etcd topology source against a real etcd that demands credentials, then one that demands a
 * client certificate: with Patroni's etcd3 settings it reads the cluster, without them it fails
 * with a message that names no secret.
 */
class EtcdSourceSecurityTest {

  private static final String PREFIX = "/service/pg-test/";
  private static final String PASSWORD = "etcd-Secret-9";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void credentialsOpenAnEtcdWithAuthentication() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(1)) {
      String endpoint = etcd.clientEndpoints().get(0);
      try (Client client = Client.builder().endpoints(endpoint).build()) {
        writePatroniKeys(client);
      }
      etcd.enableAuthentication(PASSWORD);

      EtcdAccess authenticated =
          new EtcdAccess(List.of(endpoint), "root", PASSWORD, null, null, null);
      assertThat(leaderSeenWith(authenticated)).isEqualTo("pg-test-2");
      assertThat(authenticated.toString()).doesNotContain(PASSWORD);

      assertThatThrownBy(() -> leaderSeenWith(EtcdAccess.of(List.of(endpoint))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(
              () ->
                  leaderSeenWith(
                      new EtcdAccess(List.of(endpoint), "root", "wrong-Pw-1", null, null, null)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageNotContaining("wrong-Pw-1");
    }
  }

  @Test
  void aClientCertificateOpensAnEtcdThatRequiresOne() throws Exception {
    assumeTrue(TestCa.isAvailable(), TestCa.UNAVAILABLE);
    TestCa ca = TestCa.create();
    TestCa.Issued clientCert = ca.issue("pgha-client", List.of(), List.of());
    try (LocalEtcd etcd = LocalEtcd.startTls(1, ca)) {
      String endpoint = etcd.clientEndpoints().get(0);
      assertThat(endpoint).startsWith("https://");
      EtcdAccess withCert =
          new EtcdAccess(
              List.of(endpoint), null, null, ca.caCert(), clientCert.cert(), clientCert.key());
      try (Client client =
          Client.builder()
              .endpoints(endpoint)
              .sslContext(
                  ssl ->
                      ssl.trustManager(ca.caCert().toFile())
                          .keyManager(clientCert.cert().toFile(), clientCert.key().toFile()))
              .build()) {
        writePatroniKeys(client);
      }

      assertThat(leaderSeenWith(withCert)).isEqualTo("pg-test-2");
      assertThatThrownBy(
              () ->
                  leaderSeenWith(
                      new EtcdAccess(List.of(endpoint), null, null, ca.caCert(), null, null)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /** Starts a source, returns the leader of the first topology it publishes, closes it. */
  private static String leaderSeenWith(EtcdAccess access) {
    AtomicReference<Topology> seen = new AtomicReference<>();
    TopologySource source = TopologySources.etcd(access, PREFIX);
    try {
      source.start(seen::set, TIMEOUT);
      return seen.get().leaderName();
    } finally {
      source.close();
    }
  }

  private static void writePatroniKeys(Client client) throws Exception {
    List<String> lines = PatroniKeyViewTest.read("async-etcd-get-prefix.txt").lines().toList();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      client
          .getKVClient()
          .put(bytes(lines.get(i)), bytes(lines.get(i + 1)))
          .get(10, TimeUnit.SECONDS);
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
