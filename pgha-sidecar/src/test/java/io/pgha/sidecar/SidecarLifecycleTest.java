package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's life as Patroni's: {@code POST /reload} and SIGHUP read the YAML file again (new
 * tags show at once, the process keeps running), and a member stopped while the cluster is paused
 * leaves its PostgreSQL running; the data directory keeps Patroni's cache of the {@code config}
 * key, {@code patroni.dynamic.json}. Each test runs a one-member cluster of its own, on real etcd
 * and PostgreSQL.
 */
class SidecarLifecycleTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SidecarCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void postReloadReadsTheFileAgainAndPublishesTheNewTags() throws Exception {
    Member pg1 = startLeader();

    addTag(pg1, "new_tag", "new_value");
    HttpResponse<String> reload = send(pg1, "POST", "/reload", "");
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(202);

    assertThat(get(pg1, "/patroni")).contains("\"new_tag\":\"new_value\"");
    // The member key (what patronictl and the other members read) carries it by the next cycle.
    SidecarCluster.await(
        CONVERGE,
        "new_tag in the member key",
        () -> Optional.of(get(pg1, "/cluster")).filter(c -> c.contains("\"new_tag\"")));
  }

  @Test
  void aFileWithProblemsIsRefusedOnReloadAndTheMemberGoesOn() throws Exception {
    Member pg1 = startLeader();

    String good = Files.readString(pg1.configFile);
    Files.writeString(pg1.configFile, good.replace("ttl: 10", "ttl: ten"));
    HttpResponse<String> reload = send(pg1, "POST", "/reload", "");
    assertThat(reload.statusCode()).isEqualTo(503);
    assertThat(reload.body()).contains("ttl (ten)");
    assertThat(pg1.isWritablePrimary()).isTrue();
  }

  @Test
  void sighupReloadsTheFileInsteadOfStoppingTheMember() throws Exception {
    // A build started under nohup passes SIGHUP ignored to every process it starts; the sidecar
    // cannot take it back (it warns), and the signal could never reach it.
    Assumptions.assumeFalse(hangupIgnoredHere(), "SIGHUP is ignored in this build (nohup?)");
    cluster = new SidecarCluster(1);
    Member pg1 = cluster.member("pg1");
    pg1.startAsProcess();
    awaitPrimary(pg1);
    awaitApi(pg1);

    addTag(pg1, "new_tag", "after_sighup");
    new ProcessBuilder("kill", "-HUP", Long.toString(pg1.child.pid())).start().waitFor();

    SidecarCluster.await(
        CONVERGE,
        "new_tag after SIGHUP",
        () -> Optional.of(get(pg1, "/patroni")).filter(p -> p.contains("after_sighup")));
    assertThat(pg1.child.isAlive()).isTrue();
    assertThat(pg1.isWritablePrimary()).isTrue();
  }

  @Test
  void aMemberStoppedWhileThePauseLastsLeavesPostgresRunning() throws Exception {
    Member pg1 = startLeader();
    pause(pg1);
    SidecarCluster.await(
        CONVERGE,
        "the pause in the member's view",
        () -> Optional.of(get(pg1, "/patroni")).filter(p -> p.contains("\"pause\":true")));

    // Patroni's cache of the config key, which tools written for Patroni read or remove.
    SidecarCluster.await(
        CONVERGE,
        "the pause in patroni.dynamic.json",
        () -> {
          try {
            return Optional.of(
                    Files.readString(pg1.dir.resolve("data").resolve("patroni.dynamic.json")))
                .filter(json -> json.contains("\"pause\":true"));
          } catch (java.io.IOException e) {
            return Optional.empty();
          }
        });

    pg1.stop();

    // As Patroni: in maintenance mode the operator owns PostgreSQL; it still takes writes.
    try (Connection c = pg1.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE written_after_the_stop (id int)");
      try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isFalse();
      }
    }

    // Started again, the member adopts the running server and leads it.
    pg1.startInProcess();
    SidecarCluster.await(
        CONVERGE,
        "pg1 leading its adopted server",
        () ->
            Optional.of(get(pg1, "/patroni"))
                .filter(p -> p.contains("\"role\":\"master\"") && p.contains("\"running\"")));
    assertThat(pg1.isWritablePrimary()).isTrue();
  }

  @Test
  void aMemberStopsPromptlyWhileEtcdDoesNotAnswer() throws Exception {
    Member pg1 = startLeader();
    cluster.etcd.member(0).pause();
    try {
      // The lease runs out (ttl 10 s): the member has stepped down and etcd still does not answer.
      SidecarCluster.await(
          CONVERGE,
          "pg1 fenced without etcd",
          () -> Optional.of(pg1).filter(m -> !m.isWritablePrimary()));
      long started = System.nanoTime();
      pg1.stop();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      // One etcd request timeout (5 s) at most, not one per cleanup step (it took 15-27 s).
      assertThat(took).isLessThan(Duration.ofSeconds(8));
    } finally {
      cluster.etcd.member(0).resume();
    }
  }

  @Test
  void aSwitchoverWhilePausedLeavesTheOldPrimaryStreamingFromTheNewOne() throws Exception {
    cluster = new SidecarCluster(2);
    Member pg1 = cluster.member("pg1");
    Member pg2 = cluster.member("pg2");
    pg1.startInProcess();
    awaitPrimary(pg1);
    pg2.startInProcess();
    cluster.awaitHealthy(CONVERGE);
    pause(pg1);
    SidecarCluster.await(
        CONVERGE,
        "the pause in both members' views",
        () ->
            Optional.of(get(pg1, "/patroni") + get(pg2, "/patroni"))
                .filter(p -> p.split("\"pause\":true", -1).length == 3));

    // Accepted once pg2's member key says it runs (412 until then).
    SidecarCluster.await(
        CONVERGE,
        "the switchover accepted",
        () -> {
          try {
            return Optional.of(
                    send(
                        pg1,
                        "POST",
                        "/switchover",
                        "{\"leader\": \"pg1\", \"candidate\": \"pg2\"}"))
                .filter(r -> r.statusCode() == 200);
          } catch (Exception e) {
            return Optional.empty();
          }
        });

    // As Patroni's graceful demotion: the old primary follows the new one at once, paused or not.
    assertThat(cluster.awaitHealthy(CONVERGE)).isEqualTo(pg2);
  }

  /** Pauses the cluster through {@code m}'s API, once the config key exists. */
  private static void pause(Member m) throws Exception {
    SidecarCluster.await(
        CONVERGE,
        "the config key",
        () -> Optional.of(get(m, "/config")).filter(c -> c.contains("\"ttl\"")));
    HttpResponse<String> pause = send(m, "PATCH", "/config", "{\"pause\": true}");
    assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
  }

  /** A one-member cluster of its own, its member leading. */
  private Member startLeader() throws Exception {
    cluster = new SidecarCluster(1);
    Member pg1 = cluster.member("pg1");
    pg1.startInProcess();
    awaitPrimary(pg1);
    return pg1;
  }

  private static void addTag(Member m, String tag, String value) throws Exception {
    String yaml = Files.readString(m.configFile);
    Files.writeString(
        m.configFile, yaml.replace("\ntags:\n", "\ntags:\n  " + tag + ": " + value + "\n"));
  }

  private static void awaitPrimary(Member m) throws InterruptedException {
    SidecarCluster.await(
        CONVERGE,
        m + " as a writable primary",
        () -> Optional.of(m).filter(Member::isWritablePrimary));
  }

  private static void awaitApi(Member m) throws InterruptedException {
    SidecarCluster.await(
        CONVERGE, m + "'s API", () -> Optional.of(get(m, "/patroni")).filter(p -> !p.isEmpty()));
  }

  private static String get(Member m, String path) {
    try {
      HttpResponse<String> r = send(m, "GET", path, null);
      return r.body();
    } catch (Exception e) {
      return "";
    }
  }

  private static HttpResponse<String> send(Member m, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + path))
            .timeout(Duration.ofSeconds(10));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !body.isEmpty()) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether this JVM was started with SIGHUP ignored (bit 0 of SigIgn in /proc/self/status). */
  private static boolean hangupIgnoredHere() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
      }
    }
    return false;
  }
}
