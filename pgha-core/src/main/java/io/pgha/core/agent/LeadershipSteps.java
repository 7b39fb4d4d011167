package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.FailsafeKey;
import io.pgha.core.postgres.PostgresController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader key and what may run only under it: take and keep the key ({@code ACQUIRE_LEADER},
 * {@code RENEW}), restart PostgreSQL as the primary ({@code RESTART_POSTGRES}), give the key up
 * ({@code RELEASE_LEADERSHIP}), stop writes at once ({@code DEMOTE}) and keep the {@code failsafe}
 * key ({@code FAILSAFE_KEY}).
 */
final class LeadershipSteps {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipSteps.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;

  LeadershipSteps(
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

  boolean acquireLeader() throws DcsException {
    if (!dcs.acquireLeader()) {
      LOG.info("[{}] lost the race for the leader key", name);
      return false;
    }
    events.publish(new AgentEvent.LeadershipAcquired(name));
    return true;
  }

  boolean renew() throws DcsException {
    if (!dcs.renewLeader()) {
      LOG.warn("[{}] the leader key could not be renewed", name);
      return false;
    }
    return true;
  }

  boolean startAsPrimary() {
    if (!dcs.holdsLeadership()) {
      LOG.warn("[{}] not starting as primary: the leader lease is not confirmed", name);
      return false;
    }
    state.update(f -> f.withState("starting"));
    postgres.startAsPrimary(timeouts.start());
    state.primary();
    return true;
  }

  boolean release(String why) throws DcsException {
    boolean released = dcs.releaseLeader();
    if (released) {
      events.publish(new AgentEvent.LeadershipLost(name, why));
    }
    return released;
  }

  boolean writeFailsafeKey(FailsafeKey key) {
    try {
      if (key.deletes()) {
        dcs.clearFailsafe();
        LOG.info("[{}] failsafe mode is off: deleted the failsafe key", name);
      } else {
        dcs.writeFailsafe(key.members());
        LOG.info("[{}] failsafe key now lists {}", name, key);
      }
    } catch (DcsException e) {
      LOG.warn("[{}] could not update the failsafe key: {}", name, e.getMessage());
    }
    return true;
  }

  /**
   * Stops PostgreSQL accepting writes at once (immediate shutdown) if it runs read-write. Also the
   * reflex run when the lease is lost, without waiting for the loop: it takes no lock that a
   * promotion, restart or demotion holds, and does not ask the server anything first, so neither
   * those nor a hung server hold it up (see {@link PostgresController#fence}).
   *
   * @return whether it stopped a PostgreSQL (one that ran read-write, or was being promoted)
   */
  boolean fence(String why) {
    if (!postgres.fence(timeouts.stop())) {
      return false;
    }
    LOG.warn("[{}] demoting: stopping PostgreSQL immediately because {}", name, why);
    state.update(f -> f.withLastRunAsPrimary(true));
    events.publish(new AgentEvent.Demoted(name, why));
    return true;
  }
}
