package io.pgha.core.agent;

import io.pgha.core.config.StandbyCluster;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.StandbySource;
import io.pgha.core.postgres.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a standby cluster's leader: copy the primary cluster to bootstrap ({@code
 * BOOTSTRAP_STANDBY}), start following it ({@code START_AS_STANDBY_LEADER}) and point a running
 * standby at it ({@code FOLLOW_PRIMARY_CLUSTER}).
 */
final class StandbyLeaderSteps {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyLeaderSteps.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;

  StandbyLeaderSteps(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      EventPublisher events,
      AgentTimeouts timeouts) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.events = events;
    this.timeouts = timeouts;
  }

  boolean bootstrap(StandbyCluster c) throws DcsException {
    if (!dcs.claimInitialize("")) {
      LOG.info("[{}] another member won the standby cluster's bootstrap race", name);
      return false;
    }
    state.update(f -> f.withState("creating replica"));
    StandbySource source = source(c);
    try {
      postgres.createStandbyLeader(
          source.upstream().orElse(null), c.createReplicaMethods(), timeouts.cloning());
      postgres.startFollowing(source, timeouts.start());
    } catch (PostgresControlException | IllegalStateException e) {
      LOG.error(
          "[{}] copying {} failed, letting another member try: {}",
          name,
          c.describe(),
          e.getMessage());
      dcs.cancelInitialize();
      throw e;
    }
    following(c);
    String systemId = postgres.probe().systemIdentifier();
    dcs.updateInitialize(systemId, Dcs.ANY);
    LOG.info(
        "[{}] initialized the standby cluster as a copy of {}, system identifier {}",
        name,
        c.describe(),
        systemId);
    return true;
  }

  boolean start(StandbyCluster c) {
    state.update(f -> f.withState("starting"));
    postgres.startFollowing(source(c), timeouts.start());
    following(c);
    return true;
  }

  boolean follow(StandbyCluster c) {
    postgres.followSource(source(c));
    following(c);
    return true;
  }

  private void following(StandbyCluster c) {
    state.following(c.followingName());
    events.publish(new AgentEvent.FollowingPrimaryCluster(name, c.describe()));
  }

  static StandbySource source(StandbyCluster c) {
    return new StandbySource(
        c.host().map(h -> new Upstream(h, c.port())),
        c.primarySlotName(),
        c.restoreCommand(),
        c.archiveCleanupCommand());
  }
}
