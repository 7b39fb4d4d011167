package io.pgha.spring.boot.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The {@code Authorization} header value of HTTP Basic authentication. */
final class BasicAuthorization {
  private BasicAuthorization() {}

  static String of(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
