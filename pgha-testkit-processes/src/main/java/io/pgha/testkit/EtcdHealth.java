package io.pgha.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** Asks an etcd member over HTTP whether it is up; short timeouts so a paused member fails fast. */
final class EtcdHealth {

  private static final int TIMEOUT_MILLIS = 1000;

  private EtcdHealth() {}

  /** True if {@code /health} reports {@code "health":"true"} (the member sees a leader). */
  static boolean isHealthy(String endpoint) {
    String body = get(endpoint + "/health");
    return body != null && body.replace(" ", "").contains("\"health\":\"true\"");
  }

  /** True if the member serves HTTP at all ({@code path}: {@code /version}, {@code /metrics}). */
  static boolean answers(String endpoint, String path) {
    return get(endpoint + path) != null;
  }

  private static String get(String url) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) new URL(url).openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      if (connection.getResponseCode() != 200) {
        return null;
      }
      try (InputStream in = connection.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return null;
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }
}
