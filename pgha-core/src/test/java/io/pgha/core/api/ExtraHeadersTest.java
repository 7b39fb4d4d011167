package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RestApiSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Patroni's {@code restapi.http_extra_headers} and {@code https_extra_headers}, over real HTTP. */
class ExtraHeadersTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void httpExtraHeadersAreOnEveryAnswerAndHttpsOnesOnlyOverTls() throws Exception {
    int port = freePort();
    RestApiSettings settings =
        PghaConfig.builder()
            .scope("pg-test")
            .name("pg-test-2")
            .etcdEndpoints(List.of("http://127.0.0.1:2379"))
            .postgresDataDir(Path.of("/tmp/never-used"))
            .postgresListen("127.0.0.1:5432")
            .restApi(
                api ->
                    api.listen("127.0.0.1:" + port)
                        .authentication("admin", "secret-pass")
                        .httpExtraHeaders(
                            Map.of("X-Frame-Options", "DENY", "X-Content-Type-Options", "nosniff"))
                        .httpsExtraHeaders(Map.of("Strict-Transport-Security", "max-age=600")))
            .build()
            .restApi();
    try (PghaApiServer api =
        PghaApiServer.start(
            ApiConfig.of(settings),
            Snapshots::replica,
            null,
            new RecordingActions(),
            Clock.systemUTC(),
            () -> Snapshots.NOW)) {
      Http http = new Http(api.baseUrl());
      List<HttpResponse<String>> answers =
          List.of(
              http.get("/patroni"), // 200
              http.get("/primary"), // 503 on a replica
              http.get("/nowhere"), // 503: as Patroni, the health check of a replica
              http.send("POST", "/reload", (String) null), // 401
              http.send("OPTIONS", "/replica", (String) null));
      for (HttpResponse<String> r : answers) {
        assertThat(r.headers().firstValue("X-Frame-Options"))
            .as("%s %s -> %s", r.request().method(), r.uri(), r.statusCode())
            .hasValue("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
      }
      assertThat(answers.stream().map(HttpResponse::statusCode))
          .containsExactly(200, 503, 503, 401, 200);
      // The endpoint's own headers are untouched.
      assertThat(answers.get(0).headers().firstValue("Content-Type")).hasValue("application/json");
    }
  }
}
