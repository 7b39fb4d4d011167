package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code bootstrap.post_bootstrap} and {@code bootstrap.users} on a real cluster: the
 * script runs once after the bootstrap with the superuser's connection string (no password in it,
 * the password in {@code PGPASSFILE}) and can use it; the roles exist afterwards with their
 * passwords and options; a script that fails fails the bootstrap, which is tried again.
 */
class PostBootstrapTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private LocalPghaCluster cluster;
  private Node node;
  private Path dir;
  private Path calls;

  /** One member, not started; the script writes to {@code calls} in a directory it owns. */
  @BeforeEach
  void prepareCluster() {
    cluster = new LocalPghaCluster(1, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2));
    node = cluster.nodes().get(0);
    dir = node.dataDir().getParent();
    calls = dir.resolve("post-bootstrap.calls");
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void theScriptRunsWithPatronisArgumentAndTheUsersAreCreated() throws Exception {
    Path script =
        script(
            dir,
            "echo \"arg=$1\" >> " + calls,
            "echo \"passfile=${PGPASSFILE:+set} options=$PGOPTIONS\" >> " + calls,
            "psql \"$1\" -v ON_ERROR_STOP=1 -c 'CREATE TABLE made_by_post_bootstrap (id int)'");
    node.configure(
        b ->
            b.postBootstrap(List.of("sh", script.toString()), Duration.ofSeconds(60))
                .bootstrapUser("app", "app-secret", List.of("createdb", "connection limit 7"))
                .bootstrapUser("reader", null, List.of("nologin")));
    try (ClusterKeys keys = new ClusterKeys(cluster)) {
      node.start();
      // The server is writable during the bootstrap already: the leader key comes at its end.
      await()
          .atMost(CONVERGE)
          .until(() -> keys.value("leader").filter(node.name::equals).isPresent());
    }

    List<String> lines = Files.readAllLines(calls);
    // Patroni's format_dsn, with the superuser's TLS keywords (libpq's default sslmode here).
    assertThat(lines)
        .containsExactly(
            "arg=dbname=postgres user=postgres host=127.0.0.1 port="
                + node.pgPort
                + " sslmode=prefer",
            "passfile=set options=-c synchronous_commit=local");
    assertThat(String.join("\n", lines)).doesNotContain(LocalPghaCluster.superuserPassword());
    assertThat(NodeQueries.firstColumn(node, "SELECT to_regclass('made_by_post_bootstrap')"))
        .containsExactly("made_by_post_bootstrap");
    assertThat(
            NodeQueries.firstColumn(
                node,
                "SELECT rolname || ' ' || rolcanlogin || ' ' || rolcreatedb || ' ' || rolconnlimit"
                    + " FROM pg_roles WHERE rolname IN ('app', 'reader') ORDER BY 1"))
        .containsExactly("app true true 7", "reader false false -1");
    try (Connection app =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + node.pgPort + "/postgres", "app", "app-secret")) {
      assertThat(app.isValid(5)).isTrue();
    }
  }

  @Test
  void aFailingScriptFailsTheBootstrapWhichIsTriedAgain() throws Exception {
    Path failing = dir.resolve("fail");
    Files.writeString(failing, "");
    Path script = script(dir, "echo run >> " + calls, "if [ -e " + failing + " ]; then exit 3; fi");
    node.configure(b -> b.postBootstrap(List.of("sh", script.toString()), Duration.ofSeconds(60)));
    try (ClusterKeys keys = new ClusterKeys(cluster)) {
      node.start();
      await().atMost(CONVERGE).until(() -> runs() >= 2);
      // Every attempt so far failed: no leader, no cluster, nothing left in the data directory.
      assertThat(node.isWritablePrimary()).isFalse();
      assertThat(keys.value("leader")).isEmpty();
      assertThat(keys.value("initialize").filter(id -> !id.isBlank())).isEmpty();

      Files.delete(failing);
      await()
          .atMost(CONVERGE)
          .until(() -> keys.value("leader").filter(node.name::equals).isPresent());
      assertThat(keys.value("initialize").filter(id -> !id.isBlank())).isPresent();
      assertThat(node.isWritablePrimary()).isTrue();
    }
  }

  private long runs() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
  }

  /** A shell script the PostgreSQL OS user can read, in a directory it owns. */
  private static Path script(Path dir, String... lines) throws IOException {
    Path script = dir.resolve("post-bootstrap.sh");
    Files.writeString(script, "set -e\n" + String.join("\n", lines) + "\n");
    return script;
  }
}
