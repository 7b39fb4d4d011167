package io.pgha.core.agent;

import io.pgha.core.ha.Rejoin;
import io.pgha.core.ha.UpstreamRole;
import io.pgha.core.postgres.Demotion;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.patroni.ClusterView;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a replica: start streaming ({@code START_AS_REPLICA}), switch upstream ({@code
 * FOLLOW}), and rejoin after running as a primary ({@code REWIND_AND_FOLLOW}).
 */
final class FollowSteps {
  private static final Logger LOG = LoggerFactory.getLogger(FollowSteps.class);

  private final String name;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;

  FollowSteps(
      String name,
      PostgresController postgres,
      MemberState state,
      EventPublisher events,
      AgentTimeouts timeouts) {
    this.name = name;
    this.postgres = postgres;
    this.state = state;
    this.events = events;
    this.timeouts = timeouts;
  }

  boolean startAsReplica(ClusterView view, Optional<String> leader) {
    state.update(f -> f.withState("starting"));
    if (leader.isEmpty()) {
      postgres.startReadOnly(timeouts.start());
      streamingFromNoOne();
      return true;
    }
    postgres.startAsStandby(MemberUpstream.of(view, leader.get()), timeouts.start());
    state.following(leader.get());
    events.publish(new AgentEvent.FollowingLeader(name, leader.get()));
    return true;
  }

  /**
   * Started without primary_conninfo: forget whom we followed, or the loop would take the old
   * upstream, once it leads again, for the one we stream from and never point PostgreSQL at it.
   */
  private void streamingFromNoOne() {
    state.update(f -> f.withFollowing(Optional.empty()));
  }

  boolean follow(ClusterView view, String leader, UpstreamRole role) {
    postgres.follow(MemberUpstream.of(view, leader), role == UpstreamRole.LEADER);
    state.following(leader);
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }

  boolean rewindAndFollow(ClusterView view, String leader, Rejoin rejoin) {
    try {
      Demotion demotion =
          postgres.demote(
              MemberUpstream.of(view, leader),
              timeouts.rejoin(),
              view.effectiveConfig().primaryStopLimit());
      LOG.info("[{}] rejoined as a replica of {}: {}", name, leader, demotion.reason());
    } catch (PostgresControlException e) {
      state.update(f -> f.withRejoinFailed(true));
      throw e;
    }
    state.following(leader);
    rejoin.demotedBecause().ifPresent(why -> events.publish(new AgentEvent.Demoted(name, why)));
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }
}
