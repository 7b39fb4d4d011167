package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code on_role_change} cannot hang the agent, with real scripts. */
class RoleChangeCommandTest {

  /** A script writing more than a pipe holds finishes: its output is read while it runs. */
  @Test
  void aChattyScriptRunsToItsEnd(@TempDir Path dir) throws IOException {
    Path done = dir.resolve("done");
    Path script = script(dir, "head -c 300000 /dev/zero | tr '\\0' x\necho\ntouch " + done + "\n");
    long started = System.nanoTime();
    new RoleChangeCommand(List.of(script.toString()), "pg-test", Duration.ofSeconds(20))
        .onEvent(new AgentEvent.Promoted("pg1", 2));
    assertThat(done).exists();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
  }

  /** At the limit the script and what it started are killed, and the agent goes on. */
  @Test
  void aHangingScriptIsKilledWithItsChildren(@TempDir Path dir) throws IOException {
    Path pidFile = dir.resolve("child.pid");
    Path script = script(dir, "sleep 600 &\necho $! > " + pidFile + "\nwait\n");
    long started = System.nanoTime();
    new RoleChangeCommand(List.of(script.toString()), "pg-test", Duration.ofMillis(1500))
        .onEvent(new AgentEvent.Demoted("pg1", "test"));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    long child = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), v -> !v);
  }

  private static Path script(Path dir, String body) throws IOException {
    Path script = dir.resolve("callback.sh");
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
