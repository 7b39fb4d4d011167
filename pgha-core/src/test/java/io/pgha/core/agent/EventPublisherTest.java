package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.patroni.RoleNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherTest {

  @Test
  void aListenerThatThrowsDoesNotStopTheOthersOrLaterEvents() {
    List<AgentEvent> heard = new CopyOnWriteArrayList<>();
    try (EventPublisher publisher = new EventPublisher("pg1")) {
      publisher.add(
          e -> {
            throw new IllegalStateException("listener bug");
          });
      publisher.add(heard::add);

      publisher.publish(new AgentEvent.LeadershipAcquired("pg1"));
      publisher.publish(new AgentEvent.Promoted("pg1", 2));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(heard)
                      .containsExactly(
                          new AgentEvent.LeadershipAcquired("pg1"),
                          new AgentEvent.Promoted("pg1", 2)));
    }
  }

  @Test
  void roleChangeCommandRunsWithPatronisArguments(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("calls.txt");
    Path script = dir.resolve("callback.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" >> " + out + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    RoleChangeCommand command = new RoleChangeCommand(List.of(script.toString()), "pg-test");

    command.onEvent(new AgentEvent.Promoted("pg1", 2));
    command.onEvent(new AgentEvent.LeadershipAcquired("pg1"));
    command.onEvent(new AgentEvent.FollowingLeader("pg1", "pg2"));

    assertThat(Files.readAllLines(out))
        .containsExactly("on_role_change primary pg-test", "on_role_change replica pg-test");

    Files.delete(out);
    new RoleChangeCommand(List.of(script.toString()), "pg-test", RoleNames.PATRONI_3)
        .onEvent(new AgentEvent.Promoted("pg1", 3));
    assertThat(Files.readAllLines(out)).containsExactly("on_role_change master pg-test");
  }
}
