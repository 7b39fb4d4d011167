package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.postgres.LifecycleEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {

  @Test
  void anUnknownActionOrAnEmptyCommandIsRefused() {
    assertThatThrownBy(
            () -> new Callbacks("pg1", "c", Map.of("on_boot", List.of("x")), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("callbacks.on_boot is not a callback");
    assertThatThrownBy(
            () -> new Callbacks("pg1", "c", Map.of("on_start", List.of()), Duration.ofSeconds(1)))
        .hasMessage("callbacks.on_start must not be empty");
  }

  @Test
  void eachEventCallsItsCommandWithActionRoleAndScopeAndARoleChangeOnlyOnce(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("calls");
    List<String> command = List.of("sh", "-c", "echo \"$@\" >> " + out, "callback");
    Map<String, List<String>> all =
        Map.of(
            "on_start", command,
            "on_stop", command,
            "on_restart", command,
            "on_reload", command,
            "on_role_change", command);
    Callbacks callbacks = new Callbacks("pg1", "pg-test", all, Duration.ofSeconds(10));

    callbacks.accept(new LifecycleEvent(LifecycleEvent.Kind.STARTED, true));
    callbacks.onEvent(new AgentEvent.FollowingLeader("pg1", "pg2"));
    callbacks.accept(new LifecycleEvent(LifecycleEvent.Kind.RELOADED, true));
    callbacks.accept(new LifecycleEvent(LifecycleEvent.Kind.RESTARTED, true));
    callbacks.onEvent(new AgentEvent.Promoted("pg1", 3));
    callbacks.accept(new LifecycleEvent(LifecycleEvent.Kind.STOPPED, false));
    callbacks.awaitIdle(Duration.ofSeconds(20));

    assertThat(Files.readAllLines(out))
        .containsExactly(
            "on_start replica pg-test",
            "on_reload replica pg-test",
            "on_restart replica pg-test",
            "on_role_change primary pg-test",
            "on_stop primary pg-test");
  }

  @Test
  void theStandbyLeaderOfAStandbyClusterChangesToTheRoleStandbyLeader(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("calls");
    List<String> command = List.of("sh", "-c", "echo \"$@\" >> " + out, "callback");
    Callbacks callbacks =
        new Callbacks(
            "pg1",
            "pg-standby",
            Map.of("on_start", command, "on_role_change", command),
            Duration.ofSeconds(10));

    callbacks.accept(new LifecycleEvent(LifecycleEvent.Kind.STARTED, true));
    callbacks.onEvent(new AgentEvent.FollowingPrimaryCluster("pg1", "10.0.0.9:5432"));
    callbacks.onEvent(new AgentEvent.FollowingPrimaryCluster("pg1", "10.0.0.9:5432"));
    callbacks.awaitIdle(Duration.ofSeconds(20));

    assertThat(Files.readAllLines(out))
        .containsExactly("on_start replica pg-standby", "on_role_change standby_leader pg-standby");
  }
}
