package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.Action;
import io.pgha.core.ha.Decision;
import io.pgha.core.ha.FailsafeKey;
import io.pgha.core.ha.PeerPosition;
import io.pgha.core.ha.Publication;
import io.pgha.core.ha.SlotPlan;
import io.pgha.core.ha.SyncPlan;
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
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Decision} on etcd and PostgreSQL: the only place where the HA loop changes
 * anything. It interprets the plan and chooses nothing: the actions run in order, each bounded in
 * time; the first that fails (or throws) is followed by the fallbacks the decision named for it,
 * and the rest of the plan is dropped (the next cycle decides again from fresh state). The member
 * key is published when the decision's {@link Publication} says.
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
  private final SlotKeeper slots;
  private final MemberRecord memberRecord;
  private final MemberPublisher publisher;

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
      MemberRecord memberRecord,
      SyncKeeper sync,
      SlotKeeper slots) {
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
    this.sync = sync;
    this.slots = slots;
    this.memberRecord = memberRecord;
    this.publisher = new MemberPublisher(name, dcs, postgres, state, memberRecord);
  }

  /**
   * What carrying out a decision came to.
   *
   * @param status the local PostgreSQL as last seen: the observation, or the probe after the
   *     actions when the decision asked for one
   * @param decideAgain the decision asked for the next cycle at once
   */
  record Outcome(PostgresStatus status, boolean decideAgain) {}

  /** The cycle an action runs in: what was seen and decided, and what the actions asked for. */
  private static final class Run {
    final Observation seen;
    final String why;
    boolean decideAgain;

    Run(Observation seen, String why) {
      this.seen = seen;
      this.why = why;
    }

    ClusterView view() {
      return seen.view();
    }

    DynamicConfig config() {
      return seen.config();
    }
  }

  /**
   * Publishes and performs the decision's actions in order, as the decision says; stops at the
   * first that fails, after its fallbacks.
   */
  Outcome execute(Decision decision, Observation seen) {
    Publication publication = decision.publication();
    boolean paused = seen.config().pause();
    if (publication.observedBefore()) {
      publisher.publish(seen.status(), decision, paused, publication.leaderOptime());
    }
    Run run = new Run(seen, decision.reason());
    for (Action action : decision.actions()) {
      Result result = attempt(action, run);
      if (result == Result.FAILED) {
        Run fallback =
            new Run(seen, action.kind() + " did not succeed (" + decision.reason() + ")");
        action.otherwise().forEach(f -> attempt(f, fallback));
      }
      if (result != Result.DONE) {
        break;
      }
    }
    PostgresStatus latest = seen.status();
    if (publication.probedAfter()) {
      latest = postgres.probe();
      publisher.publish(latest, decision, paused, OptionalLong.empty());
    }
    return new Outcome(latest, run.decideAgain);
  }

  /** How an action came out. */
  private enum Result {
    DONE,
    /** It failed or did not apply: its fallbacks follow. */
    FAILED,
    /**
     * etcd could not be asked: neither done nor refused, so no fallback (a leader that cannot renew
     * is not fenced for that here: the lease reflex, or failsafe mode, decides).
     */
    ETCD_UNREACHABLE
  }

  /** Performs one action. */
  private Result attempt(Action action, Run run) {
    try {
      return perform(action, run) ? Result.DONE : Result.FAILED;
    } catch (DcsException e) {
      LOG.warn("[{}] {} failed: {}", name, action.kind(), e.getMessage());
      return Result.ETCD_UNREACHABLE;
    } catch (PostgresControlException | IllegalStateException e) {
      LOG.warn("[{}] {} failed: {}", name, action.kind(), e.getMessage());
      return Result.FAILED;
    } catch (RuntimeException e) {
      LOG.error("[{}] {} failed unexpectedly", name, action.kind(), e);
      return Result.FAILED;
    }
  }

  private boolean perform(Action action, Run run) throws DcsException {
    ClusterView view = run.view();
    return switch (action.kind()) {
      case BOOTSTRAP -> bootstrap();
      case WRITE_INITIAL_CONFIG -> writeInitialConfig();
      case ADOPT_EXISTING_DATA -> adoptExistingData(run);
      case CLONE_FROM -> cloneFrom(view, member(action));
      case ACQUIRE_LEADER -> acquireLeader();
      case RENEW -> renew();
      case PROMOTION_GATE -> passGate(run.config());
      case SYNC_REPLICATION -> sync.carryOut((SyncPlan) payload(action), run.config());
      case PROMOTE -> promote(run);
      case DECIDE_AGAIN -> {
        run.decideAgain = true;
        yield true;
      }
      case RESTART_POSTGRES -> startAsPrimary();
      case AWAIT_STARTUP -> {
        postgres.awaitReady(timeouts.start());
        yield true;
      }
      case RELEASE_LEADERSHIP -> release(run.why);
      case DEMOTE -> {
        fence(run.why);
        yield true;
      }
      case START_AS_REPLICA -> startAsReplica(view, action.member());
      case FOLLOW -> follow(view, member(action));
      case REWIND_AND_FOLLOW -> rewindAndFollow(run, member(action));
      case REINITIALIZE -> reinitialize(view, member(action));
      case DRAIN_CLIENTS -> {
        drain.drain(
            member(action), run.config().drainTimeoutDuration(), run.config().ttlDuration());
        yield true;
      }
      case STOP_CLEANLY -> stopCleanly();
      case HAND_OVER -> handOver(run, member(action));
      case END_DRAIN -> {
        drain.end();
        yield true;
      }
      case END_DRAIN_ONCE_LED -> {
        drain.endOnceLed(member(action), run.config().ttlDuration());
        yield true;
      }
      case CLEAR_FAILOVER_KEY -> clearFailover(view);
      case REPLICATION_SLOTS -> {
        slots.carryOut((SlotPlan) payload(action));
        yield true;
      }
      case FAILSAFE_KEY -> {
        writeFailsafeKey((FailsafeKey) payload(action));
        yield true;
      }
      case WAIT, NOTHING -> true;
    };
  }

  private static String member(Action action) {
    return action.member().orElseThrow();
  }

  private static Action.Payload payload(Action action) {
    return action.payload().orElseThrow();
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
    String systemId = postgres.probe().systemIdentifier();
    dcs.updateInitialize(systemId, Dcs.ANY);
    LOG.info("[{}] initialized a new cluster, system identifier {}", name, systemId);
    return true;
  }

  private boolean writeInitialConfig() throws DcsException {
    dcs.writeConfig(bootstrapConfig, Dcs.ABSENT);
    state.primary();
    // initdb starts the first timeline.
    events.publish(new AgentEvent.Promoted(name, 1));
    LOG.info("[{}] bootstrapped cluster", name);
    return true;
  }

  private boolean adoptExistingData(Run run) throws DcsException {
    String systemId = run.seen.local().systemIdentifier().orElse("");
    if (!dcs.claimInitialize(systemId)) {
      LOG.info("[{}] another member initialized the cluster first", name);
      return false;
    }
    LOG.info("[{}] cluster initialized with the existing data directory ({})", name, systemId);
    return true;
  }

  private boolean cloneFrom(ClusterView view, String source) {
    state.update(f -> f.withState("creating replica"));
    postgres.createReplica(upstreamOf(view, source), timeouts.cloning());
    return true;
  }

  // ------------------------------------------------------------------ leading

  private boolean acquireLeader() throws DcsException {
    if (!dcs.acquireLeader()) {
      LOG.info("[{}] lost the race for the leader key", name);
      return false;
    }
    events.publish(new AgentEvent.LeadershipAcquired(name));
    return true;
  }

  private boolean renew() throws DcsException {
    if (!dcs.renewLeader()) {
      LOG.warn("[{}] the leader key could not be renewed", name);
      return false;
    }
    return true;
  }

  private boolean passGate(DynamicConfig config) {
    Optional<String> refused = gate.beforePromote(config.ttl());
    refused.ifPresent(why -> LOG.warn("[{}] promotion cancelled: {}", name, why));
    return refused.isEmpty();
  }

  private boolean promote(Run run) throws DcsException {
    if (!dcs.holdsLeadership()) {
      LOG.warn("[{}] not promoting: the leader lease is not confirmed", name);
      return false;
    }
    ClusterView view = run.view();
    long position = run.seen.local().walPosition();
    Promotion promotion =
        postgres.promote(timeouts.promote(), writable -> announceWritable(run, writable));
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
  private void announceWritable(Run run, PostgresStatus writable) {
    state.primary();
    try {
      dcs.updateMember(memberRecord.build(writable, "running", run.config().pause()));
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

  private boolean startAsPrimary() {
    if (!dcs.holdsLeadership()) {
      LOG.warn("[{}] not starting as primary: the leader lease is not confirmed", name);
      return false;
    }
    state.update(f -> f.withState("starting"));
    postgres.startAsPrimary(timeouts.start());
    state.primary();
    return true;
  }

  private boolean release(String why) throws DcsException {
    boolean released = dcs.releaseLeader();
    if (released) {
      events.publish(new AgentEvent.LeadershipLost(name, why));
    }
    return released;
  }

  private void writeFailsafeKey(FailsafeKey key) {
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
  }

  // ------------------------------------------------------------------ following

  private boolean startAsReplica(ClusterView view, Optional<String> leader) {
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

  private boolean follow(ClusterView view, String leader) {
    postgres.follow(upstreamOf(view, leader), view.isLeader(leader));
    state.following(leader);
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }

  private boolean rewindAndFollow(Run run, String leader) {
    try {
      Demotion demotion = postgres.demote(upstreamOf(run.view(), leader), timeouts.rejoin());
      LOG.info("[{}] rejoined as a replica of {}: {}", name, leader, demotion.reason());
    } catch (PostgresControlException e) {
      state.update(f -> f.withRejoinFailed(true));
      throw e;
    }
    state.following(leader);
    if (run.seen.local().isReadWrite()) {
      events.publish(new AgentEvent.Demoted(name, "(" + leader + ") holds the leader key"));
    }
    events.publish(new AgentEvent.FollowingLeader(name, leader));
    return true;
  }

  private boolean reinitialize(ClusterView view, String leader) {
    // A no-op when PostgreSQL is not running.
    postgres.stop(StopMode.IMMEDIATE, timeouts.stop());
    return cloneFrom(view, leader);
  }

  // ------------------------------------------------------------------ switchover

  private boolean stopCleanly() {
    // A fast stop writes the shutdown checkpoint and, with WAL senders still connected, waits for
    // them to receive it.
    LOG.info("[{}] handing over: stopping PostgreSQL cleanly", name);
    postgres.stop(StopMode.FAST, timeouts.stop());
    return true;
  }

  /**
   * A candidate that was not connected during the stop may not have the shutdown checkpoint: the
   * hand-over goes on only once it has received WAL past it.
   */
  private boolean handOver(Run run, String candidate) throws DcsException {
    Optional<Lsn> checkpoint = postgres.shutdownCheckpoint();
    if (checkpoint.isEmpty()) {
      LOG.warn(
          "[{}] switchover to {} cancelled: PostgreSQL did not shut down cleanly, so no checkpoint"
              + " proves the candidate has every commit",
          name,
          candidate);
      return false;
    }
    if (!candidateReceived(run, candidate, checkpoint.get())) {
      LOG.warn(
          "[{}] switchover to {} cancelled: the candidate has not received every commit",
          name,
          candidate);
      return false;
    }
    // The candidate compares its position with this one before it takes the key.
    dcs.writeStatus(ClusterStatus.ofOptime(checkpoint.get().value()));
    events.publish(new AgentEvent.Demoted(name, "switchover to (" + candidate + ")"));
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
  private boolean candidateReceived(Run run, String candidate, Lsn checkpoint) {
    DynamicConfig config = run.config();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.retryTimeout());
    long seen = -1;
    while (true) {
      Optional<PeerPosition> position = peers.position(run.view(), candidate, PROBE_TIMEOUT);
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

  private boolean clearFailover(ClusterView view) throws DcsException {
    FailoverRequest request =
        view.failover()
            .orElseThrow(() -> new IllegalStateException("there is no failover key to clear"));
    if (!dcs.clearFailover(request.modRevision())) {
      LOG.info("[{}] the failover key changed meanwhile; left as it is", name);
    }
    return true;
  }

  // ------------------------------------------------------------------ fencing

  /**
   * Stops PostgreSQL accepting writes at once (immediate shutdown) if it runs read-write. Also the
   * reflex run when the lease is lost, without waiting for the loop: it takes no lock that a
   * promotion, restart or demotion holds, and does not ask the server anything first, so neither
   * those nor a hung server hold it up (see {@link PostgresController#fence}).
   */
  void fence(String why) {
    if (!postgres.fence(timeouts.stop())) {
      return;
    }
    LOG.warn("[{}] demoting: stopping PostgreSQL immediately because {}", name, why);
    state.update(f -> f.withLastRunAsPrimary(true));
    events.publish(new AgentEvent.Demoted(name, why));
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
