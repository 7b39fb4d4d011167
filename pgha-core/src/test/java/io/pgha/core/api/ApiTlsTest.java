package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.ClientCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with self-signed certificates made by {@code keytool} for this test: a PKCS#12 server
 * identity, the same identity as PEM files, and client certificates required or optional.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTlsTest {
  private static final char[] STORE_PASSWORD = "store-pass".toCharArray();

  @TempDir static Path dir;
  private Path serverP12;
  private Path clientP12;
  private Path clientCertPem;
  private final RecordingActions actions = new RecordingActions();

  @BeforeAll
  void makeCertificates() throws Exception {
    serverP12 = dir.resolve("server.p12");
    clientP12 = dir.resolve("client.p12");
    clientCertPem = dir.resolve("client.pem");
    TestCertificates.selfSigned(
        serverP12, "server", "CN=localhost", "ip:127.0.0.1,dns:localhost", STORE_PASSWORD);
    TestCertificates.selfSigned(clientP12, "client", "CN=patronictl", null, STORE_PASSWORD);
    TestCertificates.exportPem(clientP12, "client", STORE_PASSWORD, clientCertPem);
  }

  @Test
  void servesHttpsFromAPkcs12KeyStore() throws Exception {
    try (PghaApiServer api = start(ApiConfig.builder().tlsPkcs12(serverP12, STORE_PASSWORD))) {
      assertThat(api.baseUrl()).startsWith("https://127.0.0.1:");
      Http https = new Http(api.baseUrl(), client(false));
      assertThat(https.get("/health").statusCode()).isEqualTo(200);
      assertThat(https.send("OPTIONS", "/primary", (String) null).statusCode()).isEqualTo(200);
      // Plain HTTP to the TLS port gets no answer it could mistake for a health check.
      Http plain =
          new Http(api.baseUrl().replace("https://", "http://")).timeout(Duration.ofSeconds(2));
      assertThatThrownBy(() -> plain.get("/health")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void servesHttpsFromPemFiles() throws Exception {
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    writePem(serverP12, "server", cert, key);
    try (PghaApiServer api = start(ApiConfig.builder().tlsPem(cert, key))) {
      assertThat(new Http(api.baseUrl(), client(false)).get("/primary").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void requiredClientCertificatesAreCheckedInTheHandshake() throws Exception {
    try (PghaApiServer api =
        start(
            ApiConfig.builder()
                .tlsPkcs12(serverP12, STORE_PASSWORD)
                .clientCertificates(ClientCertificates.REQUIRED, clientCertPem))) {
      Http without = new Http(api.baseUrl(), client(false));
      assertThatThrownBy(() -> without.get("/health")).isInstanceOf(IOException.class);
      assertThat(new Http(api.baseUrl(), client(true)).get("/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void optionalClientCertificatesAreNeededForUnsafeMethodsOnly() throws Exception {
    try (PghaApiServer api =
        start(
            ApiConfig.builder()
                .tlsPkcs12(serverP12, STORE_PASSWORD)
                .clientCertificates(ClientCertificates.OPTIONAL, clientCertPem))) {
      Http without = new Http(api.baseUrl(), client(false));
      assertThat(without.get("/health").statusCode()).isEqualTo(200);
      var refused = without.send("POST", "/reload", (String) null);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).isEqualTo("client certificate required");
      assertThat(actions.calls).isEmpty();
      assertThat(
              new Http(api.baseUrl(), client(true))
                  .send("POST", "/reload", (String) null)
                  .statusCode())
          .isEqualTo(202);
      assertThat(actions.calls).containsExactly("reload");
    }
  }

  @Test
  void unusableTlsFilesFailAtStartNamingTheFile() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("bad.key"), "not a key");
    Path cert = dir.resolve("server2.crt");
    writePem(serverP12, "server", cert, dir.resolve("server2.key"));
    assertThatThrownBy(() -> start(ApiConfig.builder().tlsPem(cert, notAKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("restapi keyfile " + notAKey);
    assertThatThrownBy(() -> start(ApiConfig.builder().tlsPkcs12(serverP12, "wrong".toCharArray())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("restapi keystore " + serverP12)
        .hasMessageNotContaining("wrong");
  }

  @Test
  void cipherListLimitsTls12SuitesAndLeavesTls13AsOpenSslDoes() throws Exception {
    // restapi.ciphers: ECDHE-ECDSA-AES128-GCM-SHA256, mapped from OpenSSL's name in the config.
    try (PghaApiServer api =
        start(
            ApiConfig.builder()
                .tlsPkcs12(serverP12, STORE_PASSWORD)
                .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")))) {
      assertThat(handshake(api, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
          .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
      assertThatThrownBy(() -> handshake(api, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
          .isInstanceOf(SSLException.class);
      // Python's set_ciphers, like OpenSSL's cipher list, leaves TLS 1.3's suites alone.
      assertThat(handshake(api, "TLSv1.3", "TLS_AES_256_GCM_SHA384"))
          .isEqualTo("TLS_AES_256_GCM_SHA384");
    }
    // Without a list, the JVM's suites: the one refused above is accepted.
    try (PghaApiServer api = start(ApiConfig.builder().tlsPkcs12(serverP12, STORE_PASSWORD))) {
      assertThat(handshake(api, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
          .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }
  }

  @Test
  void httpsExtraHeadersAreAddedToEveryAnswer() throws Exception {
    try (PghaApiServer api =
        start(
            ApiConfig.builder()
                .tlsPkcs12(serverP12, STORE_PASSWORD)
                .extraHeaders(Map.of("Strict-Transport-Security", "max-age=31536000")))) {
      Http https = new Http(api.baseUrl(), client(false));
      for (var r :
          List.of(
              https.get("/health"),
              https.get("/replica"),
              https.get("/nowhere"),
              https.send("HEAD", "/primary", (String) null))) {
        assertThat(r.headers().firstValue("Strict-Transport-Security"))
            .as("%s %s", r.request().method(), r.uri())
            .hasValue("max-age=31536000");
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A TLS handshake offering one protocol and one suite; the suite agreed on. */
  private String handshake(PghaApiServer api, String protocol, String suite) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) client(false).getSocketFactory().createSocket("127.0.0.1", api.port())) {
      socket.setSoTimeout(5000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(new String[] {suite});
      socket.startHandshake();
      // And the API answers over it.
      socket
          .getOutputStream()
          .write(
              "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200");
      return socket.getSession().getCipherSuite();
    }
  }

  private PghaApiServer start(ApiConfig.Builder config) {
    return PghaApiServer.start(
        config.listen("127.0.0.1", 0).build(),
        Snapshots::leader,
        null,
        actions,
        Clock.systemUTC(),
        () -> Snapshots.NOW);
  }

  /** A client that trusts the server's self-signed certificate, optionally with its own. */
  private SSLContext client(boolean withCertificate) throws Exception {
    KeyStore server = load(serverP12);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", server.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    KeyManagerFactory kmf = null;
    if (withCertificate) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(clientP12), STORE_PASSWORD);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyStore load(Path p12) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, STORE_PASSWORD);
    }
    return ks;
  }

  /** The key store's entry as a PEM certificate and an unencrypted PKCS#8 PEM key. */
  private static void writePem(Path p12, String alias, Path cert, Path key) throws Exception {
    KeyStore ks = load(p12);
    Certificate c = ks.getCertificate(alias);
    Files.writeString(cert, pem("CERTIFICATE", c.getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", ks.getKey(alias, STORE_PASSWORD).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
