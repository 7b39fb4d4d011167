package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.api.ActionResult;
import io.pgha.core.api.FailsafeAnswer;
import io.pgha.core.api.FailsafeRequest;
import io.pgha.core.api.ManagementActions;
import io.pgha.core.api.NodeSnapshot;
import io.pgha.core.api.PeerTls;
import io.pgha.core.api.PghaApiServer;
import io.pgha.core.api.RestartRequest;
import io.pgha.core.config.ClientCertificates;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RestApiSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
  static void makeCertificate() throws Exception {
    keyStore = dir.resolve("member.p12");
    caFile = dir.resolve("ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "member",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "san=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        STORE_PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "member",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-file",
        caFile.toString());
  }

  @Test
  void theHeartbeatReachesAPeerWhoseApiServesTls() throws IOException {
    RestApiSettings leader = settings("pg-1", freePort());
    RestApiSettings replica = settings("pg-2", freePort());
    List<String> heard = new CopyOnWriteArrayList<>();

    assertThat(leader.apiUrl()).startsWith("https://127.0.0.1:").endsWith("/patroni");
    try (PghaApiServer api =
            PghaApiServer.start(
                replica,
                () -> NodeSnapshot.builder("pg-2", "pg-test").build(),
                null,
                acceptingHeartbeats(heard));
        FailsafeHeartbeats heartbeats =
            new FailsafeHeartbeats(
                "pg-1",
                "postgres://127.0.0.1:5432/postgres",
                leader.apiUrl(),
                leader.credentials(),
                PeerTls.context(leader))) {
      FailsafeHeartbeats.Round round =
          heartbeats.confirm(Map.of("pg-2", replica.apiUrl()), Duration.ofSeconds(5));

      assertThat(round.refusals()).isEmpty();
      assertThat(heard).containsExactly("pg-1 " + leader.apiUrl());
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

  private static ManagementActions acceptingHeartbeats(List<String> heard) {
    return new ManagementActions() {
      @Override
      public ActionResult restart(RestartRequest request) {
        return ActionResult.failed("not in this test");
      }

      @Override
      public ActionResult cancelScheduledRestart() {
        return ActionResult.failed("not in this test");
      }

      @Override
      public ActionResult reload() {
        return ActionResult.failed("not in this test");
      }

      @Override
      public ActionResult reinitialize(boolean force, boolean fromLeader) {
        return ActionResult.failed("not in this test");
      }

      @Override
      public boolean failsafeModeEnabled() {
        return true;
      }

      @Override
      public FailsafeAnswer failsafeHeartbeat(FailsafeRequest request) {
        heard.add(request.leaderName() + " " + request.apiUrl());
        return FailsafeAnswer.accepted(0);
      }
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void keytool(String... args) throws Exception {
    String bin = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> command = new java.util.ArrayList<>(List.of(bin));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
