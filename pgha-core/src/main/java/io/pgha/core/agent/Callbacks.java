package io.pgha.core.agent;

import io.pgha.core.postgres.LifecycleEvent;
import io.pgha.patroni.Role;
import io.pgha.patroni.RoleNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Patroni's {@code postgresql.callbacks}: {@code <command...> <action> <role> <scope>} for {@code
 * on_start}, {@code on_stop}, {@code on_restart}, {@code on_reload} (told by the PostgreSQL
 * controller, see {@link LifecycleEvent}) and {@code on_role_change} (told by the agent's events).
 * {@code role} is {@code primary} (or {@code master}, as Patroni 3 says), {@code replica} or, for
 * the standby leader of a standby cluster, {@code standby_leader}. The commands run one at a time,
 * in the order of the events, on a thread of their own, each as a {@link BoundedCommand} with a
 * time limit: a slow script never holds up the HA loop or PostgreSQL.
 */
public final class Callbacks implements AgentListener, Consumer<LifecycleEvent> {
  /** The callbacks Patroni knows. */
  public static final Set<String> ACTIONS =
      Set.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change");

  /** How long a callback may run before it is killed with its children. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final String member;
  private final String scope;
  private final Map<String, List<String>> commands;
  private final Duration timeout;
  private final String primary;
  private final ThreadPoolExecutor runner;
  private String knownRole = "";

  /**
   * @param member this member's name (for the log)
   * @param scope the cluster name, the last argument
   * @param commands the program and its leading arguments, by action (a subset of {@link #ACTIONS},
   *     none empty)
   * @param timeout the time limit of each run
   * @throws IllegalArgumentException for an unknown action or an empty command
   */
  public Callbacks(
      String member, String scope, Map<String, List<String>> commands, Duration timeout) {
    this(member, scope, commands, timeout, RoleNames.PATRONI_4);
  }

  /**
   * As {@link #Callbacks(String, String, Map, Duration)}, naming the primary's role as {@code
   * names} does: Patroni 3 passes {@code master}, Patroni 4 {@code primary}.
   */
  public Callbacks(
      String member,
      String scope,
      Map<String, List<String>> commands,
      Duration timeout,
      RoleNames names) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    commands.forEach(
        (action, command) -> {
          if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException(
                "callbacks." + action + " is not a callback (known: " + ACTIONS + ")");
          }
          if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("callbacks." + action + " must not be empty");
          }
          copy.put(action, List.copyOf(command));
        });
    this.member = member;
    this.scope = scope;
    this.commands = Map.copyOf(copy);
    this.timeout = timeout;
    this.primary = names.of(Role.PRIMARY);
    // One thread at most, gone when idle: callbacks keep their order and nothing outlives use.
    this.runner =
        new ThreadPoolExecutor(
            1,
            1,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "pgha-callbacks-" + member);
              t.setDaemon(true);
              return t;
            });
    runner.allowCoreThreadTimeOut(true);
  }

  @Override
  public void accept(LifecycleEvent event) {
    String role = event.standby() ? "replica" : primary;
    synchronized (this) {
      knownRole = role;
    }
    switch (event.kind()) {
      case STARTED -> call("on_start", role);
      case STOPPED -> call("on_stop", role);
      case RESTARTED -> call("on_restart", role);
      case RELOADED -> call("on_reload", role);
    }
  }

  @Override
  public void onEvent(AgentEvent event) {
    if (event instanceof AgentEvent.Promoted) {
      roleChange(primary);
    } else if (event instanceof AgentEvent.FollowingPrimaryCluster) {
      roleChange("standby_leader");
    } else if (event instanceof AgentEvent.Demoted || event instanceof AgentEvent.FollowingLeader) {
      roleChange("replica");
    }
  }

  /**
   * As Patroni: {@code on_role_change} only when the role changes, so not after a start in the same
   * role (a replica that starts and follows, the primary a bootstrap starts).
   */
  private void roleChange(String role) {
    synchronized (this) {
      if (role.equals(knownRole)) {
        return;
      }
      knownRole = role;
    }
    call("on_role_change", role);
  }

  /** Waits, at most {@code limit}, for the callbacks asked so far to finish (a clean stop). */
  public void awaitIdle(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while ((runner.getActiveCount() > 0 || !runner.getQueue().isEmpty())
        && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void call(String action, String role) {
    List<String> command = commands.get(action);
    if (command != null) {
      runner.execute(() -> CallbackRun.run(member, command, action, role, scope, timeout));
    }
  }
}
