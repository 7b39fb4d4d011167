package io.pgha.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.cluster.LocalPghaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The notes application, built with pgha-bom and Spring Boot's BOM only, starts against a real
 * one-member cluster: its schema is created on the leader found in etcd and a note written over
 * HTTP is read back.
 */
class NotesApplicationTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void startsWritesAndReadsANote() throws Exception {
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
            1, Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
      cluster.startAll();
      cluster.awaitHealthy(Duration.ofSeconds(120));
      try (ConfigurableApplicationContext app =
          new SpringApplicationBuilder(NotesApplication.class)
              .properties(Map.of("spring.main.banner-mode", "off"))
              // Arguments, as DemoCluster prints them: they override application.properties.
              .run(
                  "--server.port=0",
                  "--pgha.datasource.etcd-endpoints=" + cluster.etcdEndpoints().get(0),
                  "--pgha.datasource.scope=" + cluster.scope(),
                  "--pgha.datasource.password=" + LocalPghaCluster.superuserPassword())) {
        String base =
            "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
        HttpResponse<String> written =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/notes"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("first note"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        HttpResponse<String> read =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/notes"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains("first note");
      }
    }
  }
}
