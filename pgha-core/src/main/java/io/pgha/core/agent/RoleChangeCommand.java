package io.pgha.core.agent;

import io.pgha.patroni.Role;
import io.pgha.patroni.RoleNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's {@code on_role_change} callback: runs {@code <command...> on_role_change <role>
 * <scope>} when this member becomes primary or replica, e.g. to move a virtual IP. It runs on the
 * event thread with a time limit, so a hanging script delays other callbacks but never the HA loop.
 */
public final class RoleChangeCommand implements AgentListener {
  private static final Logger LOG = LoggerFactory.getLogger(RoleChangeCommand.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final List<String> command;
  private final String scope;
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
    this.names = names;
    if (command.isEmpty()) {
      throw new IllegalArgumentException("on_role_change command must not be empty");
    }
    this.command = List.copyOf(command);
    this.scope = scope;
  }

  @Override
  public void onEvent(AgentEvent event) {
    if (event instanceof AgentEvent.Promoted) {
      run(event.member(), names.of(Role.PRIMARY));
    } else if (event instanceof AgentEvent.Demoted || event instanceof AgentEvent.FollowingLeader) {
      run(event.member(), "replica");
    }
  }

  private void run(String member, String role) {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of("on_role_change", role, scope));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        LOG.warn(
            "[{}] on_role_change {} did not finish in {}s: killed", member, role, TIMEOUT_SECONDS);
        return;
      }
      String output = new String(p.getInputStream().readAllBytes()).strip();
      if (p.exitValue() == 0) {
        LOG.info(
            "[{}] on_role_change {} done{}", member, role, output.isEmpty() ? "" : ": " + output);
      } else {
        LOG.warn("[{}] on_role_change {} exited with {}: {}", member, role, p.exitValue(), output);
      }
    } catch (IOException e) {
      LOG.warn(
          "[{}] on_role_change {} could not run {}: {}", member, role, argv.get(0), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
