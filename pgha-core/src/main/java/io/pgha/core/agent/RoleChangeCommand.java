package io.pgha.core.agent;

import java.time.Duration;
import java.util.List;

/**
 * Patroni's {@code on_role_change} callback: runs {@code <command...> on_role_change <role>
 * <scope>} when this member becomes primary or replica, e.g. to move a virtual IP. It runs on the
 * event thread as a {@link BoundedCommand}: with a time limit, its output read while it runs and
 * logged, and the program with everything it started killed at the limit; a hanging script delays
 * other callbacks by the limit at most and never the HA loop.
 */
public final class RoleChangeCommand implements AgentListener {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final List<String> command;
  private final String scope;
  private final Duration timeout;

  /**
   * @param command the program and its leading arguments
   * @param scope the cluster name passed as the last argument
   */
  public RoleChangeCommand(List<String> command, String scope) {
    this(command, scope, DEFAULT_TIMEOUT);
  }

  RoleChangeCommand(List<String> command, String scope, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("on_role_change command must not be empty");
    }
    this.command = List.copyOf(command);
    this.scope = scope;
    this.timeout = timeout;
  }

  @Override
  public void onEvent(AgentEvent event) {
    if (event instanceof AgentEvent.Promoted) {
      run(event.member(), "primary");
    } else if (event instanceof AgentEvent.Demoted || event instanceof AgentEvent.FollowingLeader) {
      run(event.member(), "replica");
    }
  }

  private void run(String member, String role) {
    CallbackRun.run(member, command, "on_role_change", role, scope, timeout);
  }
}
