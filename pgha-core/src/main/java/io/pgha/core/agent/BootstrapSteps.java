package io.pgha.core.agent;

import io.pgha.core.agent.ActionExecutor.Run;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.StopMode;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps that give this member its data directory: a new cluster ({@code BOOTSTRAP}, {@code
 * WRITE_INITIAL_CONFIG}, and {@code WRITE_MISSING_CONFIG} when the key is gone), one brought under
 * pgha ({@code ADOPT_EXISTING_DATA}), or a copy of another member ({@code CLONE_FROM}, {@code
 * REINITIALIZE}) or a restore without one ({@code CLONE_WITHOUT_LEADER}).
 */
final class BootstrapSteps {
  private static final Logger LOG = LoggerFactory.getLogger(BootstrapSteps.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;
  private final DynamicConfig bootstrapConfig;

  BootstrapSteps(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      EventPublisher events,
      AgentTimeouts timeouts,
      DynamicConfig bootstrapConfig) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.events = events;
    this.timeouts = timeouts;
    this.bootstrapConfig = bootstrapConfig;
  }

  boolean bootstrap() throws DcsException {
    if (!dcs.claimInitialize("")) {
      LOG.info("[{}] another member won the bootstrap race", name);
      return false;
    }
    state.update(f -> f.withState("initializing new cluster"));
    try {
      postgres.bootstrap(timeouts.bootstrap());
    } catch (PostgresControlException e) {
      LOG.error("[{}] bootstrap failed, letting another member try: {}", name, e.getMessage());
      dcs.cancelInitialize();
      throw e;
    }
    String systemId = postgres.probe().systemIdentifier();
    dcs.updateInitialize(systemId, Dcs.ANY);
    LOG.info("[{}] initialized a new cluster, system identifier {}", name, systemId);
    return true;
  }

  boolean writeInitialConfig() throws DcsException {
    dcs.writeConfig(bootstrapConfig, Dcs.ABSENT);
    if (bootstrapConfig.isStandbyCluster()) {
      // A copy of the primary cluster, following it: nothing was promoted.
      LOG.info("[{}] bootstrapped standby cluster", name);
      return true;
    }
    state.primary();
    // initdb starts the first timeline.
    events.publish(new AgentEvent.Promoted(name, 1));
    LOG.info("[{}] bootstrapped cluster", name);
    return true;
  }

  /**
   * The leader's upkeep when it sees no {@code config} key: writes {@code config}, the
   * configuration in effect (the last key seen, as Patroni's leader writes its dynamic
   * configuration back, or the bootstrap one), only if the key is still absent. Unlike {@link
   * #writeInitialConfig()} (the bootstrap's last step), this records no role and publishes no
   * event: the leader already leads.
   */
  boolean writeMissingConfig(DynamicConfig config) throws DcsException {
    if (dcs.writeConfig(config, Dcs.ABSENT)) {
      LOG.info(
          "[{}] I hold the leader key and the config key was missing: wrote {} configuration to"
              + " it (ttl {}s, loop_wait {}s)",
          name,
          config == bootstrapConfig ? "my bootstrap" : "the last seen",
          config.ttl(),
          config.loopWait());
    } else {
      // Another writer (patronictl, the API) created it since the view was read.
      LOG.info("[{}] the config key was missing but exists by now: not writing it", name);
    }
    return true;
  }

  boolean adoptExistingData(Run run) throws DcsException {
    String systemId = run.seen.local().systemIdentifier().orElse("");
    if (!dcs.claimInitialize(systemId)) {
      LOG.info("[{}] another member initialized the cluster first", name);
      return false;
    }
    LOG.info("[{}] cluster initialized with the existing data directory ({})", name, systemId);
    return true;
  }

  boolean cloneFrom(ClusterView view, String source) {
    state.update(f -> f.withState("creating replica"));
    postgres.createReplica(MemberUpstream.of(view, source), timeouts.cloning());
    return true;
  }

  /**
   * Creates this member's data directory while the cluster has no leader, with the replica methods
   * that work without one (Patroni's {@code no_leader}); it then starts as a replica of no one.
   */
  boolean cloneWithoutLeader() {
    state.update(f -> f.withState("creating replica"));
    LOG.info("[{}] creating a replica without a leader (no_leader replica methods)", name);
    postgres.createReplicaWithoutLeader(timeouts.cloning());
    return true;
  }

  /**
   * Stops PostgreSQL, throws its data directory away and clones {@code source} again: the decision
   * asks for it on an operator's request or, when allowed, after a failed pg_rewind.
   */
  boolean reinitialize(ClusterView view, String source) {
    // A no-op when PostgreSQL is not running.
    postgres.stop(StopMode.IMMEDIATE, timeouts.stop());
    state.update(f -> f.withState("creating replica"));
    LOG.warn("[{}] reinitializing: removing the data directory and cloning ({})", name, source);
    postgres.recreateReplica(MemberUpstream.of(view, source), timeouts.cloning());
    state.update(f -> f.withRejoinFailed(false).withLastRunAsPrimary(false));
    return true;
  }
}
