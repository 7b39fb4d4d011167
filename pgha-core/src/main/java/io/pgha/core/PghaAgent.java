package io.pgha.core;

import io.pgha.core.agent.Agent;
import io.pgha.core.agent.AgentListener;
import io.pgha.core.agent.AgentSnapshot;
import io.pgha.core.agent.Callbacks;
import io.pgha.core.agent.RoleChangeCommand;
import io.pgha.core.api.ActionResult;
import io.pgha.core.api.PeerTls;
import io.pgha.core.api.PghaApiServer;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.core.ha.MemberIdentity;
import io.pgha.core.postgres.CustomBootstrap;
import io.pgha.core.postgres.PostgresConfig;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.ReplicaCreator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pgha agent of one PostgreSQL member, embedded in a host application: it elects a leader
 * through etcd, keeps exactly one primary, fails over and keeps the replicas following.
 *
 * <pre>{@code
 * PghaAgent agent = PghaAgent.builder(config).build();
 * agent.start();
 * ...
 * agent.stop(); // hands leadership over at once
 * }</pre>
 *
 * <p>The HA loop and the lease keep-alive run on threads of their own; a frozen host application
 * cannot keep a primary writable past its lease deadline as long as those threads run (see the
 * deployment notes on fencing).
 */
public final class PghaAgent implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PghaAgent.class);
  private final PghaConfig config;
  private final PostgresConfig postgresConfig;
  private final List<AgentListener> listeners;
  private final Optional<Callbacks> callbacks;
  private final Optional<Supplier<PghaConfig>> configSource;
  private volatile Agent agent;
  private volatile PghaApiServer apiServer;

  private PghaAgent(Builder b) {
    this.config = b.config;
    this.postgresConfig = PostgresConfig.of(b.config, b.replicaCreators, b.customBootstrap);
    this.listeners = List.copyOf(b.listeners);
    this.callbacks = b.callbacks;
    this.configSource = b.configSource;
  }

  /** A builder for the agent described by a validated configuration. */
  public static Builder builder(PghaConfig config) {
    return new Builder(config);
  }

  /** This member's name. */
  public String name() {
    return config.name();
  }

  /**
   * Connects to etcd, starts the HTTP API, then the HA loop. If the API cannot start (its port is
   * taken, a TLS file is unreadable), nothing is left running and PostgreSQL is not touched.
   */
  public synchronized void start() {
    if (agent != null) {
      throw new IllegalStateException("agent " + name() + " is already started");
    }
    config.warnings().forEach(w -> LOG.warn("[{}] {}", config.name(), w));
    EtcdDcs dcs = EtcdDcs.connect(config, config.name());
    PostgresController postgres = new PostgresController(postgresConfig);
    callbacks.ifPresent(postgres::addLifecycleListener);
    Agent created =
        new Agent(
            config.scope(),
            MemberIdentity.from(config),
            dcs,
            postgres,
            config.initialDynamicConfig(),
            config.restApi().apiUrl(),
            listeners,
            config.fencing(),
            config.restApi().credentials(),
            PeerTls.context(config.restApi()),
            config.postgres().proxyUrl());
    try {
      apiServer =
          PghaApiServer.start(
              config.restApi(),
              () -> created.apiSnapshot().toBuilder().roleNames(config.roleNames()).build(),
              created.dcs(),
              created.managementActions());
    } catch (RuntimeException e) {
      created.halt();
      throw e;
    }
    configSource.ifPresent(source -> created.onReload(() -> applyReloaded(created, source.get())));
    created.start();
    agent = created;
  }

  /**
   * Stops cleanly: PostgreSQL is stopped with a shutdown checkpoint, then the leader key is
   * released so that a replica takes over without waiting for the lease to expire. While the
   * cluster is paused, PostgreSQL is left running and the keys to expire, as Patroni does.
   */
  public synchronized void stop() {
    closeApi();
    if (agent != null) {
      agent.stop();
      agent = null;
      // on_stop (and any callback before it) runs before the process may exit.
      callbacks.ifPresent(c -> c.awaitIdle(Callbacks.DEFAULT_TIMEOUT));
    }
  }

  /**
   * Reads the configuration again through {@link Builder#configSource} (when set), applies what may
   * change while the member runs, and has PostgreSQL reload its files: what {@code POST /reload}
   * and the sidecar's SIGHUP do, as Patroni's reload. Today the tags change at once; other changes
   * take effect when the member starts again (the log says so).
   *
   * @return how it went, as the API answers it (a refused configuration keeps the one in use)
   * @throws IllegalStateException if the agent is not started
   */
  public ActionResult reload() {
    Agent a = agent;
    if (a == null) {
      throw new IllegalStateException("agent " + name() + " is not running");
    }
    return a.managementActions().reload();
  }

  private void applyReloaded(Agent target, PghaConfig next) {
    if (!next.scope().equals(config.scope())) {
      throw new IllegalArgumentException(
          "scope ("
              + next.scope()
              + ") cannot change while the member runs (it is "
              + config.scope()
              + ")");
    }
    target.reloadIdentity(MemberIdentity.from(next));
    LOG.info(
        "[{}] configuration read again: tags {} in effect; other changes take effect when the"
            + " member starts again",
        config.name(),
        next.tags());
  }

  /** The state now; throws if the agent is not started. */
  public AgentSnapshot snapshot() {
    Agent a = agent;
    if (a == null) {
      throw new IllegalStateException("agent " + name() + " is not running");
    }
    return a.snapshot();
  }

  /** Whether {@link #start()} was called and {@link #stop()} not yet. */
  public boolean isRunning() {
    return agent != null;
  }

  /** Stops without releasing anything, as if the host died. For failure tests. */
  public synchronized void halt() {
    closeApi();
    if (agent != null) {
      agent.halt();
      agent = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The HTTP API's base URL ({@code http://host:port}, or https); throws if not running. */
  public String apiBaseUrl() {
    PghaApiServer server = apiServer;
    if (server == null) {
      throw new IllegalStateException("agent " + name() + " is not running");
    }
    return server.baseUrl();
  }

  private void closeApi() {
    if (apiServer != null) {
      apiServer.close();
      apiServer = null;
    }
  }

  /** Builds a {@link PghaAgent}. */
  public static final class Builder {
    private final PghaConfig config;
    private List<ReplicaCreator> replicaCreators = List.of();
    private CustomBootstrap customBootstrap;
    private final List<AgentListener> listeners = new ArrayList<>();
    private Optional<Callbacks> callbacks = Optional.empty();
    private Optional<Supplier<PghaConfig>> configSource = Optional.empty();

    private Builder(PghaConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * How replicas are created, tried in order (a backup repository, a snapshot, ...); default
     * pg_basebackup. Everything else about PostgreSQL is configured in {@link
     * PghaConfig#postgres()}.
     */
    public Builder replicaCreators(List<ReplicaCreator> creators) {
      this.replicaCreators = List.copyOf(creators);
      return this;
    }

    /**
     * How this member makes a new cluster when it wins the bootstrap race, instead of initdb
     * (Patroni's {@code bootstrap.method}): a restore from a backup, a clone of another cluster.
     */
    public Builder customBootstrap(CustomBootstrap method) {
      this.customBootstrap = Objects.requireNonNull(method, "method");
      return this;
    }

    /** Adds a listener of role changes. */
    public Builder listener(AgentListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Patroni's {@code postgresql.callbacks}: runs {@code <command...> <action> <role> <scope>} on
     * {@code on_start}, {@code on_stop}, {@code on_restart}, {@code on_reload} and {@code
     * on_role_change}, each with a time limit of {@link Callbacks#DEFAULT_TIMEOUT}; replaces an
     * earlier call.
     *
     * @param commands the program and its leading arguments, by action
     * @throws IllegalArgumentException for an unknown action or an empty command
     */
    public Builder callbacks(Map<String, List<String>> commands) {
      Callbacks c =
          new Callbacks(
              config.name(),
              config.scope(),
              commands,
              Callbacks.DEFAULT_TIMEOUT,
              config.roleNames());
      callbacks.ifPresent(listeners::remove);
      listeners.add(c);
      callbacks = Optional.of(c);
      return this;
    }

    /** Runs {@code command on_role_change <role> <scope>} on role changes (Patroni's callback). */
    public Builder onRoleChange(List<String> command) {
      listeners.add(new RoleChangeCommand(command, config.scope(), config.roleNames()));
      return this;
    }

    /**
     * Where {@link PghaAgent#reload()} and {@code POST /reload} read the configuration again (the
     * sidecar reads its YAML file); without it they reload PostgreSQL only. The supplier throws,
     * naming the problem, when the configuration cannot be used.
     */
    public Builder configSource(Supplier<PghaConfig> source) {
      this.configSource = Optional.of(Objects.requireNonNull(source, "source"));
      return this;
    }

    public PghaAgent build() {
      return new PghaAgent(this);
    }
  }
}
