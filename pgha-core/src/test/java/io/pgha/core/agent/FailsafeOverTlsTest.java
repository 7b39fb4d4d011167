package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.api.FailsafeRequest;
import io.pgha.core.api.NodeSnapshot;
import io.pgha.core.api.PeerTls;
import io.pgha.core.api.PghaApiServer;
import io.pgha.core.api.RecordingActions;
import io.pgha.core.api.TestCertificates;
import io.pgha.core.config.ClientCertificates;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RestApiSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the API on TLS, a member publishes an https {@code api_url} and the leader's failsafe
 * heartbeat reaches its peers over TLS: verified against {@code restapi.cafile}, with this member's
 * certificate for peers that require client certificates, and with the API credentials.
 */
class FailsafeOverTlsTest {
  private static final String STORE_PASSWORD = "store-pass";

  @TempDir static Path dir;
  private static Path keyStore;
  private static Path caFile;

  @BeforeAll
  static void makeCertificate() {
    keyStore = dir.resolve("member.p12");
    caFile = dir.resolve("ca.pem");
    char[] password = STORE_PASSWORD.toCharArray();
    TestCertificates.selfSigned(
        keyStore, "member", "CN=localhost", "ip:127.0.0.1,dns:localhost", password);
    TestCertificates.exportPem(keyStore, "member", password, caFile);
  }

  @Test
  void theHeartbeatReachesAPeerWhoseApiServesTls() throws Exception {
    RestApiSettings leader = settings("pg-1", freePort());
    RestApiSettings replica = settings("pg-2", freePort());
    RecordingActions actions = new RecordingActions();
    actions.failsafeEnabled = true;

    assertThat(leader.apiUrl()).startsWith("https://127.0.0.1:").endsWith("/patroni");
    try (PghaApiServer api =
            PghaApiServer.start(
                replica, () -> NodeSnapshot.builder("pg-2", "pg-test").build(), null, actions);
        FailsafeHeartbeats heartbeats =
            new FailsafeHeartbeats(
                "pg-1",
                "postgres://127.0.0.1:5432/postgres",
                leader.apiUrl(),
                leader.credentials(),
                PeerTls.context(leader))) {
      // A running agent has loaded its TLS classes long before; on a busy machine the first
      // handshake alone can outlast the heartbeat's 2 s connect timeout.
      HttpResponse<String> status =
          HttpClient.newBuilder()
              .sslContext(PeerTls.context(leader).orElseThrow())
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(replica.apiUrl()).resolve("/patroni"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(status.statusCode()).isEqualTo(200);

      FailsafeHeartbeats.Round round =
          heartbeats.confirm(Map.of("pg-2", replica.apiUrl()), Duration.ofSeconds(5));

      assertThat(round.refusals()).isEmpty();
      assertThat(actions.calls)
          .singleElement()
          .isEqualTo(
              new FailsafeRequest(
                  "pg-1", "postgres://127.0.0.1:5432/postgres", leader.apiUrl(), Map.of()));
    }
  }

  /** A member's restapi section: TLS, client certificates required, Basic credentials. */
  private static RestApiSettings settings(String name, int port) {
    return PghaConfig.builder()
        .scope("pg-test")
        .name(name)
        .etcdEndpoints("http://127.0.0.1:2379")
        .postgresDataDir(Path.of("/var/lib/pgha/data"))
        .postgresListen("127.0.0.1:5432")
        .restApiListen("127.0.0.1:" + port)
        .restApi(
            a ->
                a.tlsPkcs12(keyStore, STORE_PASSWORD)
                    .verifyClient(ClientCertificates.REQUIRED, caFile)
                    .authentication("patroni", "api-secret"))
        .build()
        .restApi();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
