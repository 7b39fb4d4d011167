package io.pgha.core.agent;

import io.pgha.patroni.Role;
import io.pgha.patroni.RoleNames;
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
  private final RoleNames names;

  /**
   * @param command the program and its leading arguments
   * @param scope the cluster name passed as the last argument
   */
  public RoleChangeCommand(List<String> command, String scope) {
    this(command, scope, RoleNames.PATRONI_4);
  }

  /**
   * @param command the program and its leading arguments
   * @param scope the cluster name passed as the last argument
   * @param names the name of the primary's role: Patroni 3's {@code master} or 4's {@code primary}
   */
  public RoleChangeCommand(List<String> command, String scope, RoleNames names) {
    this(command, scope, names, DEFAULT_TIMEOUT);
  }

  RoleChangeCommand(List<String> command, String scope, Duration timeout) {
    this(command, scope, RoleNames.PATRONI_4, timeout);
  }

  private RoleChangeCommand(List<String> command, String scope, RoleNames names, Duration timeout) {
    this.names = names;
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
      run(event.member(), names.of(Role.PRIMARY));
    } else if (event instanceof AgentEvent.FollowingPrimaryCluster) {
      run(event.member(), "standby_leader");
    } else if (event instanceof AgentEvent.Demoted || event instanceof AgentEvent.FollowingLeader) {
      run(event.member(), "replica");
    }
  }

  private void run(String member, String role) {
    CallbackRun.run(member, command, "on_role_change", role, scope, timeout);
  }
}
