package io.pgha.core.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/** A small java.net.http client for the API tests. */
final class Http {
  private final HttpClient client;
  private final String base;
  private String authorization;
  private Duration timeout = Duration.ofSeconds(30);

  Http(String base) {
    this(base, null);
  }

  Http(String base, SSLContext ssl) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
    this.base = base;
  }

  /** Gives up on a request after {@code t}. */
  Http timeout(Duration t) {
    timeout = t;
    return this;
  }

  Http auth(String user, String password) {
    authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return this;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path, (String) null);
  }

  HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    return sendWith(method, path, publisher);
  }

  /** A body sent chunked, so without a Content-Length. */
  HttpResponse<String> sendChunked(String method, String path, String body)
      throws IOException, InterruptedException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return sendWith(
        method,
        path,
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
  }

  HttpResponse<String> sendWith(String method, String path, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).method(method, body);
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
      r.header("Content-Type", "application/json");
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }
}
