package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.ClientCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which APIs the server warns about at every start: beyond loopback, with neither Basic
 * authentication nor required client certificates (only possible with the explicit opt-in).
 */
class OpenApiWarningTest {
  @TempDir Path dir;

  @Test
  void aNetworkAddressWithoutAuthenticationIsOpen() {
    assertThat(ApiConfig.builder().listen("0.0.0.0", 0).build().openToNetwork()).isTrue();
    assertThat(ApiConfig.builder().listen("10.0.0.1", 0).build().openToNetwork()).isTrue();
  }

  @Test
  void loopbackOrAuthenticationIsNot() throws IOException {
    Path pem = Files.writeString(dir.resolve("x.pem"), "x");
    assertThat(ApiConfig.builder().listen("127.0.0.1", 0).build().openToNetwork()).isFalse();
    assertThat(ApiConfig.builder().listen("::1", 0).build().openToNetwork()).isFalse();
    assertThat(
            ApiConfig.builder()
                .listen("0.0.0.0", 0)
                .authentication("admin", "secret")
                .build()
                .openToNetwork())
        .isFalse();
    assertThat(
            ApiConfig.builder()
                .listen("0.0.0.0", 0)
                .tlsPem(pem, pem)
                .clientCertificates(ClientCertificates.REQUIRED, pem)
                .build()
                .openToNetwork())
        .isFalse();
  }
}
