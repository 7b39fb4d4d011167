package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.ReplicaMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom replica method runs its command as Patroni 3.0.2 does (its arguments, in order), with
 * the replication password in a password file only, and is killed with what it started when it
 * outlives its timeout.
 */
class CommandReplicaCreatorTest {
  private static final String PASSWORD = "replication-Secret-42";
  private static final RoleCredentials REPLICATION = new RoleCredentials("replicator", PASSWORD);
  private static final PostgresTools TOOLS = new PostgresTools(Path.of("/usr/bin"), null);

  @TempDir Path dir;

  private CloneRequest request(Upstream source, Duration timeout) {
    return new CloneRequest("pg-2", dir.resolve("data"), source, REPLICATION, null, timeout, TOOLS);
  }

  private static ReplicaMethod method(List<String> command, Map<String, String> options) {
    return ReplicaMethod.custom("restore", command, options);
  }

  private Path script(String body) throws IOException {
    Path script = dir.resolve("method.sh");
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void theSectionsKeysThenPatronisParametersAreTheArguments() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("type", "full");
    options.put("no_leader", "true");
    CommandReplicaCreator creator =
        new CommandReplicaCreator(method(List.of("restore.sh", "first word"), options), "sc", dir);

    assertThat(creator.arguments(request(new Upstream("10.0.0.1", 5433), Duration.ofSeconds(5))))
        .containsExactly(
            "restore.sh",
            "first word",
            "--type=full",
            "--no_leader=true",
            "--scope=sc",
            "--role=replica",
            "--datadir=" + dir.resolve("data"),
            // The replication role's TLS keywords follow, as Patroni's format_dsn writes them.
            "--connstring=dbname=postgres user=replicator host=10.0.0.1 port=5433 sslmode=prefer");
    assertThat(creator.worksWithoutLeader()).isTrue();
    assertThat(creator.keepsData()).isFalse();
  }

  @Test
  void noParamsPassesTheOtherKeysOnly() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("no_params", "true");
    options.put("keep_data", "on");
    options.put("stanza", "main");
    CommandReplicaCreator creator =
        new CommandReplicaCreator(method(List.of("restore.sh"), options), "sc", dir);

    assertThat(creator.arguments(request(new Upstream("10.0.0.1", 5433), Duration.ofSeconds(5))))
        .containsExactly("restore.sh", "--stanza=main");
    assertThat(creator.keepsData()).isTrue();
  }

  @Test
  void withoutALeaderTheConnectionStringIsEmpty() {
    CommandReplicaCreator creator =
        new CommandReplicaCreator(method(List.of("restore.sh"), Map.of()), "sc", dir);

    assertThat(creator.arguments(request(null, Duration.ofSeconds(5)))).contains("--connstring=");
  }

  @Test
  void thePasswordIsInThePasswordFileOnly() throws Exception {
    Path out = dir.resolve("out");
    Path script =
        script(
            "echo \"$@\" > '"
                + out
                + "'\ncat \"$PGPASSFILE\" >> '"
                + out
                + "'\nenv | grep -c Secret >> '"
                + out
                + "'\ntrue\n");
    CommandReplicaCreator creator =
        new CommandReplicaCreator(method(List.of(script.toString()), Map.of()), "sc", dir);

    creator.createReplica(request(new Upstream("127.0.0.1", 5433), Duration.ofSeconds(20)));

    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).doesNotContain(PASSWORD).contains("--connstring=dbname=postgres");
    assertThat(lines.get(1)).endsWith(":" + PASSWORD);
    // The environment names the file; no variable holds the password itself.
    assertThat(lines.get(2)).isEqualTo("0");
  }

  @Test
  void aFailureNamesTheMethodAndTheOutputButNotThePassword() throws Exception {
    Path script = script("echo 'no backup in the repository' >&2\nexit 3\n");
    CommandReplicaCreator creator =
        new CommandReplicaCreator(method(List.of(script.toString()), Map.of()), "sc", dir);

    assertThatThrownBy(
            () ->
                creator.createReplica(
                    request(new Upstream("127.0.0.1", 1), Duration.ofSeconds(20))))
        .isInstanceOf(PostgresControlException.class)
        .hasMessageContaining("replica method restore")
        .hasMessageContaining("exited with status 3")
        .hasMessageContaining("no backup in the repository")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void aHungCommandIsKilledWithWhatItStarted() throws Exception {
    Path pid = dir.resolve("child.pid");
    Path script = script("sleep 300 &\necho $! > '" + pid + "'\nwait\n");
    CommandReplicaCreator creator =
        new CommandReplicaCreator(method(List.of(script.toString()), Map.of()), "sc", dir);
    long started = System.nanoTime();

    assertThatThrownBy(() -> creator.createReplica(request(null, Duration.ofSeconds(2))))
        .isInstanceOf(PostgresControlException.class)
        .hasMessageContaining("was killed after 2s");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    long child = Long.parseLong(Files.readString(pid).strip());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() - deadline < 0) {
      Thread.sleep(100);
    }
    boolean alive = ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false);
    // Leave nothing behind, even when the assertion fails.
    ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    assertThat(alive).isFalse();
  }
}
