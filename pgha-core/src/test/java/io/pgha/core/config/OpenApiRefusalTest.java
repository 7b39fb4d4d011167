package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An API reachable from the network must authenticate whoever uses its unsafe methods, unless the
 * operator says in so many words that it need not; and a TLS API publishes an https {@code
 * api_url}.
 */
class OpenApiRefusalTest {

  @TempDir static Path tmp;
  private static Path cert;
  private static Path key;

  @BeforeAll
  static void tlsFiles() throws IOException {
    // Only read for existence here: the API is not started.
    cert = Files.writeString(tmp.resolve("cert.pem"), "cert");
    key = Files.writeString(tmp.resolve("key.pem"), "key");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0.0.0.0:8008", "[::]:8008", "10.0.0.1:8008", "db1.example.com:8008"})
  void networkListenWithoutAuthenticationIsRefusedWithWhatToAdd(String listen) {
    assertThatThrownBy(
            () ->
                PghaConfigTest.valid()
                    .restApiListen(listen)
                    .restApi(a -> a.connectAddress("10.0.0.1:8008"))
                    .build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("restapi.listen (" + listen + ") is reachable from the network")
        .hasMessageContaining(
            "add restapi.authentication.username and restapi.authentication.password")
        .hasMessageContaining("restapi.verify_client: required")
        .hasMessageContaining("restapi.allow_unauthenticated_unsafe_methods: true");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.0.0.1:8008", "127.0.1.1:8008", "localhost:8008", "[::1]:8008"})
  void loopbackNeedsNoAuthentication(String listen) {
    RestApiSettings api = PghaConfigTest.valid().restApiListen(listen).build().restApi();

    assertThat(api.authenticated()).isFalse();
    assertThat(api.openToNetwork()).isFalse();
  }

  @Test
  void basicCredentialsAllowANetworkListen() {
    RestApiSettings api =
        PghaConfigTest.valid()
            .restApiListen("0.0.0.0:8008")
            .restApi(a -> a.connectAddress("10.0.0.1:8008").authentication("admin", "secret"))
            .build()
            .restApi();

    assertThat(api.openToNetwork()).isFalse();
  }

  @Test
  void requiredClientCertificatesAllowANetworkListen() {
    RestApiSettings api =
        PghaConfigTest.valid()
            .restApiListen("10.0.0.1:8008")
            .restApi(a -> a.tlsPem(cert, key).verifyClient(ClientCertificates.REQUIRED, cert))
            .build()
            .restApi();

    assertThat(api.openToNetwork()).isFalse();
  }

  @Test
  void optionalClientCertificatesAreNotAuthentication() {
    assertThatThrownBy(
            () ->
                PghaConfigTest.valid()
                    .restApiListen("10.0.0.1:8008")
                    .restApi(
                        a -> a.tlsPem(cert, key).verifyClient(ClientCertificates.OPTIONAL, cert))
                    .build())
        .hasMessageContaining("restapi.listen (10.0.0.1:8008) is reachable from the network");
  }

  @Test
  void explicitConsentRunsItOpen() {
    RestApiSettings api =
        PghaConfigTest.valid()
            .restApiListen("0.0.0.0:8008")
            .restApi(a -> a.connectAddress("10.0.0.1:8008").allowUnauthenticatedUnsafeMethods(true))
            .build()
            .restApi();

    assertThat(api.openToNetwork()).isTrue();
    assertThat(api.allowUnauthenticatedUnsafeMethods()).isTrue();
  }

  @Test
  void apiUrlIsHttpsWhenTheApiServesTls() {

    assertThat(PghaConfigTest.valid().build().restApi().apiUrl())
        .isEqualTo("http://127.0.0.1:8008/patroni");
    assertThat(PghaConfigTest.valid().restApi(a -> a.tlsPem(cert, key)).build().restApi().apiUrl())
        .isEqualTo("https://127.0.0.1:8008/patroni");
  }
}
