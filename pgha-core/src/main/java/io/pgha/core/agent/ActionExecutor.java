package io.pgha.core.agent;

import io.pgha.core.cluster.ClusterView;
import io.pgha.core.cluster.DynamicConfig;
import io.pgha.core.cluster.FailoverRequest;
import io.pgha.core.cluster.HistoryEntry;
import io.pgha.core.cluster.Member;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.Action;
import io.pgha.core.ha.Decision;
import io.pgha.core.postgres.Demotion;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.Promotion;
import io.pgha.core.postgres.StopMode;
import io.pgha.core.postgres.Upstream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Decision} on etcd and PostgreSQL. The only place where the HA loop changes
 * anything; every action is bounded in time and a failure stops the rest of the decision (the next
 * cycle decides again from fresh state).
 */
final class ActionExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;
  private final DynamicConfig bootstrapConfig;
  private final SyncKeeper sync;

  ActionExecutor(
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
    this.sync = new SyncKeeper(name, dcs, postgres);
  }

  /**
   * On the leader running read-write, after the cycle's actions: keeps synchronous_standby_names
   * and the {@code sync} key in step with the configuration (see {@link SyncKeeper}).
   */
  void keepSynchronousReplication(DynamicConfig config, PostgresStatus primary) {
    sync.keep(config, primary);
  }

  /** Performs the decision's actions in order; stops at the first that fails or does not apply. */
  void execute(Decision decision, ClusterView view) {
    for (Action action : decision.actions()) {
      try {
        if (!perform(action, view)) {
          return;
        }
      } catch (DcsException | PostgresControlException | IllegalStateException e) {
        LOG.warn("[{}] {} failed: {}", name, action, e.getMessage());
        return;
      } catch (RuntimeException e) {
        LOG.error("[{}] {} failed unexpectedly", name, action, e);
        return;
      }
    }
  }

  private boolean perform(Action action, ClusterView view) throws DcsException {
    return switch (action.kind()) {
      case BOOTSTRAP -> bootstrap();
      case ADOPT_EXISTING_DATA -> adoptExistingData();
      case CLONE_FROM -> cloneFrom(view, action.member().orElseThrow());
      case ACQUIRE_AND_PROMOTE -> acquireAndPromote(view);
      case RENEW -> renew();
      case PROMOTE -> promote(view);
      case RESTART_POSTGRES -> restartInPlace(view);
      case RELEASE_LEADERSHIP ->
          release("PostgreSQL did not come back within primary_start_timeout");
      case DEMOTE -> {
        fence("the decision was to demote");
        yield true;
      }
      case START_AS_REPLICA -> startAsReplica(view, action.member());
      case FOLLOW -> follow(view, action.member().orElseThrow());
      case REWIND_AND_FOLLOW -> rewindAndFollow(view, action.member().orElseThrow());
      case REINITIALIZE -> reinitialize(view, action.member().orElseThrow());
      case SWITCHOVER -> switchover(view, action.member().orElseThrow());
      case CLEAR_FAILOVER_KEY -> clearFailover(view);
      case WAIT, NOTHING -> true;
    };
  }

  // ------------------------------------------------------------------ bootstrap and clone

  private boolean bootstrap() throws DcsException {
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
    PostgresStatus status = postgres.probe();
    String systemId = status.systemIdentifier();
    dcs.updateInitialize(systemId, Dcs.ANY);
    if (!dcs.acquireLeader()) {
      // The key can only be taken by someone who saw initialize; we just wrote it, so this means
      // an operator or another tool interfered: do not run read-write without it.
      fence("bootstrapped, but could not take the leader key");
      return false;
    }
    dcs.writeConfig(bootstrapConfig, Dcs.ABSENT);
    state.primary();
    events.publish(new AgentEvent.LeadershipAcquired(name));
    events.publish(
        new AgentEvent.Promoted(name, status.timeline() == null ? 1 : status.timeline()));
    LOG.info("[{}] bootstrapped cluster, system identifier {}", name, systemId);
    return true;
  }

  private boolean adoptExistingData() throws DcsException {
    PostgresStatus status = postgres.probe();
    String systemId =
        status.systemIdentifier() != null
            ? status.systemIdentifier()
            : state.get().systemIdentifier().orElse("");
    if (!dcs.claimInitialize(systemId)) {
      LOG.info("[{}] another member initialized the cluster first", name);
      return false;
    }
    LOG.info("[{}] cluster initialized with the existing data directory ({})", name, systemId);
    return true;
  }

  private boolean cloneFrom(ClusterView view, String source) throws DcsException {
    Upstream upstream = upstreamOf(view, source);
    state.update(f -> f.withState("creating replica"));
    postgres.createReplica(upstream, timeouts.cloning());
    String leader = view.leader().map(l -> l.name()).orElse(source);
    Upstream streamFrom = view.leader().isPresent() ? upstreamOf(view, leader) : upstream;
    postgres.startAsStandby(streamFrom, timeouts.start());
    state.following(leader);
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }

  // ------------------------------------------------------------------ leading

  private boolean acquireAndPromote(ClusterView view) throws DcsException {
    if (!dcs.acquireLeader()) {
      LOG.info("[{}] lost the race for the leader key", name);
      return false;
    }
    events.publish(new AgentEvent.LeadershipAcquired(name));
    return promote(view);
  }

  private boolean renew() throws DcsException {
    if (dcs.renewLeader()) {
      return true;
    }
    fence("the leader key could not be renewed");
    return false;
  }

  private boolean promote(ClusterView view) throws DcsException {
    PostgresStatus status = postgres.probe();
    if (status.acceptingConnections() && !Boolean.TRUE.equals(status.inRecovery())) {
      state.primary();
      return true;
    }
    if (!dcs.holdsLeadership()) {
      LOG.warn("[{}] not promoting: the leader lease is not confirmed", name);
      return false;
    }
    if (!sync.beforePromotion(view.config().orElse(bootstrapConfig), view)) {
      LOG.info("[{}] promotion postponed: the sync key could not be written", name);
      return false;
    }
    Promotion promotion = postgres.promote(timeouts.promote());
    state.primary();
    events.publish(new AgentEvent.Promoted(name, promotion.newTimeline()));
    appendHistory(view, promotion);
    return true;
  }

  private void appendHistory(ClusterView view, Promotion promotion) {
    try {
      dcs.appendHistory(
          new HistoryEntry(
              promotion.previousTimeline(),
              promotion.switchLsn() == null ? 0 : promotion.switchLsn().value(),
              "no recovery target specified",
              Optional.of(OffsetDateTime.now(ZoneOffset.UTC).toString()),
              Optional.of(name)));
    } catch (DcsException e) {
      LOG.warn("[{}] could not record the timeline switch in history: {}", name, e.getMessage());
    }
  }

  private boolean restartInPlace(ClusterView view) throws DcsException {
    if (postgres.isRunning()) {
      postgres.awaitReady(timeouts.start());
      return true;
    }
    state.update(f -> f.withState("starting"));
    if (dcs.holdsLeadership()) {
      sync.beforeStartingAsPrimary(view.config().orElse(bootstrapConfig));
      postgres.startAsPrimary(timeouts.start());
      state.primary();
    } else {
      Optional<String> leader = view.leader().map(l -> l.name()).filter(l -> !l.equals(name));
      if (leader.isEmpty()) {
        postgres.startReadOnly(timeouts.start());
      } else {
        postgres.startAsStandby(upstreamOf(view, leader.get()), timeouts.start());
        state.following(leader.get());
      }
    }
    return true;
  }

  private boolean release(String why) throws DcsException {
    boolean released = dcs.releaseLeader();
    if (released) {
      events.publish(new AgentEvent.LeadershipLost(name, why));
    }
    return released;
  }

  // ------------------------------------------------------------------ following

  private boolean startAsReplica(ClusterView view, Optional<String> leader) throws DcsException {
    if (postgres.isRunning()) {
      postgres.awaitReady(timeouts.start());
      return true;
    }
    state.update(f -> f.withState("starting"));
    if (leader.isEmpty()) {
      postgres.startReadOnly(timeouts.start());
      return true;
    }
    postgres.startAsStandby(upstreamOf(view, leader.get()), timeouts.start());
    state.following(leader.get());
    events.publish(new AgentEvent.FollowingLeader(name, leader.get()));
    return true;
  }

  private boolean follow(ClusterView view, String leader) throws DcsException {
    postgres.follow(upstreamOf(view, leader));
    state.following(leader);
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }

  private boolean rewindAndFollow(ClusterView view, String leader) throws DcsException {
    boolean wasPrimary = isReadWrite();
    try {
      Demotion demotion = postgres.demote(upstreamOf(view, leader), timeouts.rejoin());
      LOG.info("[{}] rejoined as a replica of {}: {}", name, leader, demotion.reason());
    } catch (PostgresControlException e) {
      state.update(f -> f.withRejoinFailed(true));
      throw e;
    }
    state.following(leader);
    if (wasPrimary) {
      events.publish(new AgentEvent.Demoted(name, "(" + leader + ") holds the leader key"));
    }
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }

  private boolean reinitialize(ClusterView view, String leader) throws DcsException {
    if (postgres.isRunning()) {
      postgres.stop(StopMode.IMMEDIATE, timeouts.stop());
    }
    return cloneFrom(view, leader);
  }

  // ------------------------------------------------------------------ switchover

  private boolean switchover(ClusterView view, String candidate) throws DcsException {
    LOG.info("[{}] switching over to {}: stopping PostgreSQL cleanly", name, candidate);
    // A fast stop writes the shutdown checkpoint and, with WAL senders still connected, waits for
    // them to receive it; only then is the key released, so the candidate has every commit.
    postgres.stop(StopMode.FAST, timeouts.stop());
    events.publish(new AgentEvent.Demoted(name, "switchover to (" + candidate + ")"));
    // The failover key stays: it tells every other member that only the candidate may race, and
    // the candidate clears it once it leads.
    release("switchover to (" + candidate + ")");
    return true;
  }

  private boolean clearFailover(ClusterView view) throws DcsException {
    if (view.failover().isPresent()) {
      clearFailoverQuietly(view.failover().get());
    }
    return true;
  }

  private void clearFailoverQuietly(FailoverRequest request) throws DcsException {
    if (!dcs.clearFailover(request.modRevision())) {
      LOG.info("[{}] the failover key changed meanwhile; left as it is", name);
    }
  }

  // ------------------------------------------------------------------ fencing

  /**
   * Stops PostgreSQL accepting writes at once (immediate stop) if it runs read-write. Also the
   * reflex run when the lease is lost, without waiting for the loop.
   */
  void fence(String why) {
    if (!postgres.isRunning()) {
      return;
    }
    PostgresStatus status = postgres.probe();
    if (status.acceptingConnections() && Boolean.TRUE.equals(status.inRecovery())) {
      return;
    }
    LOG.warn("[{}] demoting: stopping PostgreSQL immediately because {}", name, why);
    postgres.stop(StopMode.IMMEDIATE, timeouts.stop());
    state.update(f -> f.withLastRunAsPrimary(true));
    events.publish(new AgentEvent.Demoted(name, why));
  }

  private boolean isReadWrite() {
    PostgresStatus status = postgres.probe();
    return status.acceptingConnections() && Boolean.FALSE.equals(status.inRecovery());
  }

  private static Upstream upstreamOf(ClusterView view, String member) {
    return view.member(member)
        .map(Member::connUrl)
        .flatMap(ConnUrl::parse)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "member " + member + " publishes no usable conn_url in etcd"));
  }
}
