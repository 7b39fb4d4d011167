package io.pgha.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's scripted scenario in its short form, on real etcd and PostgreSQL processes: a host
 * failure elects a new leader, the old leader rejoins as a replica, the switchover moves the
 * leader, and the web page serves the topology. In asynchronous mode acknowledged writes may be
 * lost on a host failure, so their count is reported, not asserted.
 */
class LocalClusterDemoSmokeTest {

  @Test
  @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
  void theScenarioFailsOverRejoinsSwitchesOverAndServesThePage() throws Exception {
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    DemoOptions options = DemoOptions.parse().withPace(DemoOptions.Pace.SHORT);
    DemoSummary summary;
    String page;
    String state;
    try (Demo demo = new Demo(options, out)) {
      demo.start();
      summary = demo.runScenario();
      page = get(demo.webUrl());
      state = get(demo.webUrl() + "state.json");
    } finally {
      System.out.print(terminal.toString(StandardCharsets.UTF_8));
    }
    System.out.println(summary.text());

    assertThat(summary.newLeader()).isNotEqualTo(summary.firstLeader());
    assertThat(summary.oldLeaderRejoined()).isTrue();
    assertThat(summary.rejoinedFollows()).isEqualTo(summary.newLeader());
    assertThat(summary.switchoverMovedLeader()).isTrue();
    assertThat(summary.leaderAfterSwitchover()).isEqualTo(summary.switchoverTo());
    assertThat(summary.rtoSeconds()).isPositive();
    assertThat(summary.acknowledgedWrites()).isPositive();
    assertThat(summary.acknowledgedWritesLost()).isBetween(0L, summary.acknowledgedWrites());

    assertThat(page).contains("<svg id=\"topology\"").contains("/state.json");
    assertThat(state)
        .contains("\"name\":\"pg1\"", "\"name\":\"pg2\"", "\"name\":\"pg3\"")
        .contains("\"leader\":\"" + summary.leaderAfterSwitchover() + "\"")
        .contains("\"kind\":\"fault\"", "\"kind\":\"switchover\"")
        // The page gives the box its title: the summary itself starts with its first line.
        .contains("\"summary\":\"host failure of the leader");
    assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("writes/s", "reads/s");
  }

  private static String get(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }
}
