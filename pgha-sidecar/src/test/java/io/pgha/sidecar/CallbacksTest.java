package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code postgresql.callbacks} through the sidecar, on a real 2-member cluster: every
 * callback writes its arguments to a file of its member, and start, reload, restart, role change
 * and stop each call the right one with Patroni's arguments ({@code action role scope}).
 */
class CallbacksTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static SidecarCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new SidecarCluster(2);
    Path script = cluster.workDir.resolve("callback.sh");
    Files.writeString(script, "#!/bin/sh\nfile=$1\nshift\necho \"$@\" >> \"$file\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Member m : cluster.members) {
      StringBuilder callbacks = new StringBuilder("\npostgresql:\n  callbacks:\n");
      for (String action :
          List.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change")) {
        callbacks
            .append("    ")
            .append(action)
            .append(": ")
            .append(script)
            .append(' ')
            .append(log(m))
            .append('\n');
      }
      String yaml = Files.readString(m.configFile);
      Files.writeString(m.configFile, yaml.replace("\npostgresql:\n", callbacks.toString()));
    }
    cluster.member("pg1").startInProcess();
    until(cluster.member("pg1")::isWritablePrimary);
    cluster.member("pg2").startInProcess();
    cluster.awaitHealthy(CONVERGE);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Path log(Member m) {
    return cluster.workDir.resolve("callbacks-" + m.name + ".log");
  }

  private static List<String> calls(Member m) throws IOException {
    Path f = log(m);
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  private static void awaitCall(Member m, String line) throws Exception {
    until(() -> calls(m).contains(line));
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** Waits at most {@link #CONVERGE} for {@code check}; fails with the calls seen so far. */
  private static void until(Check check) throws Exception {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "not within "
                + CONVERGE
                + "; calls: "
                + calls(cluster.member("pg1"))
                + " / "
                + calls(cluster.member("pg2")));
      }
      Thread.sleep(100);
    }
  }

  private static int post(Member m, String path, String body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + path))
            .timeout(Duration.ofSeconds(90))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void startReloadRestartRoleChangeAndStopCallTheirCallbacks() throws Exception {
    // The sidecar names the primary's role as Patroni 3.0.2 does (master) unless
    // pgha.primary_role_name says primary.
    Member primary = cluster.member("pg1");
    Member replica = cluster.member("pg2");
    String scope = cluster.scope;
    awaitCall(primary, "on_start master " + scope);
    awaitCall(replica, "on_start replica " + scope);

    assertThat(post(replica, "/reload", "{}")).isEqualTo(202);
    awaitCall(replica, "on_reload replica " + scope);

    assertThat(post(replica, "/restart", "{}")).isEqualTo(200);
    awaitCall(replica, "on_restart replica " + scope);

    assertThat(post(primary, "/switchover", "{\"leader\": \"pg1\", \"candidate\": \"pg2\"}"))
        .isEqualTo(200);
    awaitCall(replica, "on_role_change master " + scope);
    awaitCall(primary, "on_role_change replica " + scope);
    until(primary::isStreamingReplica);

    // Once per role change, as Patroni: not again when the demoted primary starts following.
    assertThat(calls(primary).stream().filter(c -> c.startsWith("on_role_change")))
        .containsExactly("on_role_change replica " + scope);
    assertThat(calls(replica).stream().filter(c -> c.startsWith("on_role_change")))
        .containsExactly("on_role_change master " + scope);

    primary.stop();
    assertThat(calls(primary)).contains("on_stop replica " + scope);
    // A restart is on_restart alone, as in Patroni: not on_stop and on_start as well.
    assertThat(calls(replica)).doesNotContain("on_stop replica " + scope);
  }
}
