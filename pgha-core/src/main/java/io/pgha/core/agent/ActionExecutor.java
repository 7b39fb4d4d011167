package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.Action;
import io.pgha.core.ha.Decision;
import io.pgha.core.ha.PeerPosition;
import io.pgha.core.postgres.Demotion;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.Promotion;
import io.pgha.core.postgres.StopMode;
import io.pgha.core.postgres.Upstream;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Decision} on etcd and PostgreSQL. The only place where the HA loop changes
 * anything; every action is bounded in time and a failure stops the rest of the decision (the next
 * cycle decides again from fresh state).
 */
final class ActionExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;
  private final DynamicConfig bootstrapConfig;
  private final PromotionGate gate;
  private final ClientDrain drain;
  private final PeerProbe peers;
  private final SyncKeeper sync;
  private final MemberRecord memberRecord;

  ActionExecutor(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      EventPublisher events,
      AgentTimeouts timeouts,
      DynamicConfig bootstrapConfig,
      PromotionGate gate,
      PeerProbe peers,
      MemberRecord memberRecord) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.events = events;
    this.timeouts = timeouts;
    this.bootstrapConfig = bootstrapConfig;
    this.gate = gate;
    this.drain = new ClientDrain(name, dcs, postgres);
    this.peers = peers;
    this.sync = new SyncKeeper(name, dcs, postgres);
    this.memberRecord = memberRecord;
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
    Optional<String> holdOff =
        gate.recentlyRefused(view.config().orElse(bootstrapConfig).loopWait());
    if (holdOff.isPresent()) {
      LOG.debug("[{}] not racing for the key this cycle: {}", name, holdOff.get());
      return false;
    }
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
    Optional<String> refused = gate.beforePromote(view.config().orElse(bootstrapConfig).ttl());
    if (refused.isPresent()) {
      LOG.warn("[{}] promotion cancelled, giving the leader key up: {}", name, refused.get());
      release("promotion cancelled: " + refused.get());
      return false;
    }
    if (!sync.beforePromotion(view.config().orElse(bootstrapConfig), view)) {
      LOG.info("[{}] promotion postponed: the sync key could not be written", name);
      return false;
    }
    long position = status.walPosition() == null ? 0 : status.walPosition().value();
    Promotion promotion =
        postgres.promote(timeouts.promote(), writable -> announceWritable(view, writable));
    state.primary();
    events.publish(new AgentEvent.Promoted(name, promotion.newTimeline()));
    long lost = lostBytes(view, position);
    String reason = "no recovery target specified";
    if (lost > 0) {
      long leaderPosition = position + lost;
      LOG.warn(
          "[{}] promoted at WAL position {}, {} bytes behind the last position the previous leader"
              + " published ({}): what was written in between is not on this primary",
          name,
          position,
          lost,
          leaderPosition);
      events.publish(new AgentEvent.PromotedWithDataLoss(name, lost, leaderPosition, position));
      reason += "; promoted " + lost + " bytes behind the last known leader position";
    }
    appendHistory(promotion, reason);
    return true;
  }

  /**
   * Publishes this member's key as a running primary at once, instead of at the end of the cycle:
   * during a drain, clients and the leader that handed over wait for exactly that.
   */
  private void announceWritable(ClusterView view, PostgresStatus writable) {
    state.primary();
    try {
      dcs.updateMember(
          memberRecord.build(writable, "running", view.config().orElse(bootstrapConfig).pause()));
      LOG.info("[{}] accepting writes: published my member key as primary", name);
    } catch (DcsException | RuntimeException e) {
      // The end of the cycle publishes it anyway.
      LOG.info("[{}] could not publish my member key at once: {}", name, e.getMessage());
    }
  }

  /**
   * How far {@code position} is behind the previous leader's last published position (0 if not).
   */
  private static long lostBytes(ClusterView view, long position) {
    long optime = view.status().map(s -> s.optime().orElse(0)).orElse(0L);
    return position > 0 && optime > position ? optime - position : 0;
  }

  private void appendHistory(Promotion promotion, String reason) {
    try {
      dcs.appendHistory(
          new HistoryEntry(
              promotion.previousTimeline(),
              promotion.switchLsn() == null ? 0 : promotion.switchLsn().value(),
              reason,
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
        streamingFromNoOne();
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
      streamingFromNoOne();
      return true;
    }
    postgres.startAsStandby(upstreamOf(view, leader.get()), timeouts.start());
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

  private boolean follow(ClusterView view, String leader) throws DcsException {
    postgres.follow(upstreamOf(view, leader), view.isLeader(leader));
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
    Duration handOver = view.effectiveConfig().ttlDuration();
    boolean drained =
        drain.drain(candidate, view.effectiveConfig().drainTimeoutDuration(), handOver);
    boolean released = false;
    try {
      LOG.info("[{}] switching over to {}: stopping PostgreSQL cleanly", name, candidate);
      // A fast stop writes the shutdown checkpoint and, with WAL senders still connected, waits
      // for them to receive it. A candidate that was not connected may not have it: the key is
      // released only once the candidate has received WAL past the checkpoint.
      postgres.stop(StopMode.FAST, timeouts.stop());
      Optional<Lsn> checkpoint = postgres.shutdownCheckpoint();
      if (checkpoint.isEmpty() || !candidateReceived(view, candidate, checkpoint.get())) {
        abortSwitchover(view, candidate, checkpoint);
        return false;
      }
      // The candidate compares its position with this one before it takes the key.
      dcs.writeStatus(ClusterStatus.ofOptime(checkpoint.get().value()));
      events.publish(new AgentEvent.Demoted(name, "switchover to (" + candidate + ")"));
      // The failover key stays: it tells every other member that only the candidate may race,
      // and the candidate clears it once it leads.
      released = release("switchover to (" + candidate + ")");
    } finally {
      if (drained && !released) {
        drain.end();
      }
    }
    if (drained) {
      drain.endOnceLed(candidate, handOver);
    }
    return true;
  }

  /**
   * Drains before a clean stop of the leader (rolling maintenance); returns whether to call {@link
   * #endDrainOnceLed} after the leader key is released.
   */
  boolean drainBeforeStop(ClusterView view) {
    return drain.drain(
        null, view.effectiveConfig().drainTimeoutDuration(), view.effectiveConfig().ttlDuration());
  }

  /** Withdraws the drain once another member leads as primary (at most ttl). */
  void endDrainOnceLed(ClusterView view) {
    drain.endOnceLed(null, view.effectiveConfig().ttlDuration());
  }

  /**
   * Waits, at most retry_timeout, until the candidate's WAL position is past {@code checkpoint}.
   */
  private boolean candidateReceived(ClusterView view, String candidate, Lsn checkpoint) {
    DynamicConfig config = view.config().orElse(bootstrapConfig);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.retryTimeout());
    long seen = -1;
    while (true) {
      Optional<PeerPosition> position = peers.position(view, candidate, PROBE_TIMEOUT);
      if (position.isPresent()) {
        seen = position.get().walPosition();
        if (!position.get().primary() && seen > checkpoint.value()) {
          LOG.info(
              "[{}] {} has received the shutdown checkpoint ({}): releasing the leader key",
              name,
              candidate,
              checkpoint);
          return true;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        LOG.warn(
            "[{}] {} did not receive the shutdown checkpoint ({}) within retry_timeout ({}s);"
                + " its position is {}",
            name,
            candidate,
            checkpoint,
            config.retryTimeout(),
            seen < 0 ? "unknown (it did not answer)" : new Lsn(seen));
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  /** Keeps the leader key, starts PostgreSQL again as the primary and drops the request. */
  private void abortSwitchover(ClusterView view, String candidate, Optional<Lsn> checkpoint) {
    LOG.warn(
        "[{}] switchover to {} cancelled: {}; staying the primary",
        name,
        candidate,
        checkpoint.isEmpty()
            ? "PostgreSQL did not shut down cleanly, so no checkpoint proves the candidate has"
                + " every commit"
            : "the candidate has not received every commit");
    if (dcs.holdsLeadership()) {
      postgres.startAsPrimary(timeouts.start());
      state.primary();
    }
    try {
      clearFailover(view);
    } catch (DcsException e) {
      LOG.warn("[{}] could not clear the failover key: {}", name, e.getMessage());
    }
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
