package io.pgha.core.agent;

import io.pgha.core.config.StandbyCluster;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.LeaseStatus;
import io.pgha.core.ha.Decision;
import io.pgha.core.ha.HaDecider;
import io.pgha.core.ha.LocalState;
import io.pgha.core.ha.Now;
import io.pgha.core.ha.PeerPositions;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.ReplicationTimeouts;
import io.pgha.core.postgres.StoredState;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.PatroniCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA loop of one member, on a thread of its own: observe, decide (pure), act. It runs every
 * {@code loop_wait} and at once when the leader or failover key changes, the lease is lost, the
 * postmaster exits or, on a synchronous standby, the leader's lease goes silent ({@link
 * LeaderSilenceWatch}). Every cycle probes PostgreSQL once and decides from that probe and a view
 * of etcd: the watched view when it is trusted ({@link ViewVerification}) and the decision changes
 * nothing ({@link io.pgha.core.ha.Decision#isSteady()}), else a view one read of etcd confirmed
 * current, which every decision that acts is made on; a cycle that begins late (a frozen process)
 * always reads first, so a member that was frozen acts only on what is true now. The observation
 * feeds the decision and the member key the executor publishes.
 */
final class HaLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HaLoop.class);
  private static final int KEPT_DECISIONS = 20;

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final ParameterFollower parameters;
  private final MemberState state;
  private final LocalIdentity identity;
  private final ActionExecutor executor;
  private final PeerProbe peers;
  private final SyncKeeper sync;
  private final SlotKeeper slots;
  private final DynamicConfig bootstrapConfig;
  private final AgentTimeouts timeouts;
  private final LeaderSafety safety;
  private final LeaderSilenceWatch silence;
  private final Semaphore wake = new Semaphore(0);
  private final Deque<DecisionRecord> decisions = new ArrayDeque<>();
  private final ViewVerification verification = new ViewVerification();
  private final Thread thread;
  private volatile boolean running;
  private volatile long viewConfirmedAtNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile long lastCycleNanos;
  private volatile ClusterView lastView = ClusterView.empty();
  // The members of the last view with a leader (Patroni's old_cluster): asked too while there is
  // none, so that a primary whose member key was deleted with the others still answers.
  private Map<String, Member> lastLedMembers = Map.of();
  private volatile PostgresStatus lastStatus;
  private volatile boolean dcsReachable;
  private volatile long dcsLastSeenEpochSeconds;
  private Decision lastLogged;
  private Optional<String> cachedConfig = Optional.empty();
  // The config key's value last encoded into cachedConfig: the same one is not encoded again.
  private DynamicConfig cachedConfigSource;
  // The configuration ParameterFollower last followed (the same instance needs no comparison).
  private DynamicConfig followedConfig;
  // The last config key seen in a cycle (see effectiveConfig).
  private volatile Optional<DynamicConfig> lastSeenConfig = Optional.empty();
  private final AtomicBoolean reinitializeRequested = new AtomicBoolean();
  private volatile boolean reinitializing;

  HaLoop(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      LocalIdentity identity,
      ActionExecutor executor,
      PeerProbe peers,
      SyncKeeper sync,
      SlotKeeper slots,
      DynamicConfig bootstrapConfig,
      AgentTimeouts timeouts,
      LeaderSafety safety,
      LeaderSilenceWatch silence) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.parameters = new ParameterFollower(name, postgres);
    this.state = state;
    this.identity = identity;
    this.executor = executor;
    this.peers = peers;
    this.sync = sync;
    this.slots = slots;
    this.bootstrapConfig = bootstrapConfig;
    this.timeouts = timeouts;
    this.safety = safety;
    this.silence = silence;
    this.thread = new Thread(this::run, "pgha-ha-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    running = true;
    silence.start(this::wakeUp);
    thread.start();
  }

  /** Runs a cycle as soon as the current one (if any) ends. */
  void wakeUp() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  /**
   * An operator's {@code POST /reinitialize}: an input of the next cycle's decision, which drops it
   * when it cannot be honoured then (this member leads, no leader, a stale view).
   */
  void requestReinitialize() {
    reinitializeRequested.set(true);
    wakeUp();
  }

  /** A reinitialize request waits for the next cycle or the cycle carrying it out runs. */
  boolean reinitializeInProgress() {
    return reinitializeRequested.get() || reinitializing;
  }

  /** The last decisions, newest first. */
  List<DecisionRecord> recentDecisions() {
    synchronized (decisions) {
      return List.copyOf(decisions);
    }
  }

  /** The view the last cycle worked from. */
  ClusterView lastView() {
    return lastView;
  }

  /** The local PostgreSQL as the last cycle saw it; null before the first cycle. */
  PostgresStatus lastStatus() {
    return lastStatus;
  }

  /**
   * Whether the last read of etcd succeeded, and when etcd was last read (epoch seconds): a cycle
   * that decides on the watched view reads nothing and changes neither (the reads are at most about
   * {@code ttl / 2 + loop_wait} apart while the loop runs, see {@link ViewVerification}).
   */
  boolean dcsReachable() {
    return dcsReachable;
  }

  /**
   * When etcd last answered (epoch seconds, the API's {@code dcs_last_seen}): the last read of a
   * cycle, or the lease keeper's last confirmed renewal if later. A cycle on the watched view reads
   * nothing, so the reads alone would lag up to ttl / 2 + loop_wait behind an etcd that answers
   * (Patroni's moves every cycle its watch cache serves).
   */
  long dcsLastSeenEpochSeconds() {
    long seen = dcsLastSeenEpochSeconds;
    LeaseStatus lease = dcs.leaseStatus();
    if (lease.leaseId() != 0) {
      long renewedAgoNanos = Math.max(0, System.nanoTime() - lease.lastConfirmedSendNanos());
      seen = Math.max(seen, Instant.now().minusNanos(renewedAgoNanos).getEpochSecond());
    }
    return seen;
  }

  /** When the last cycle ended ({@link System#nanoTime()}), for liveness checks. */
  long lastCycleNanos() {
    return lastCycleNanos;
  }

  private void run() {
    while (running) {
      long started = System.nanoTime();
      try {
        cycle();
      } catch (RuntimeException | Error e) {
        // A loop that dies leaves a primary running with nobody watching it: log and go on.
        LOG.error("[{}] HA cycle failed; trying again next cycle", name, e);
      }
      reinitializing = false;
      lastCycleNanos = System.nanoTime();
      long loopWait = TimeUnit.SECONDS.toNanos(effectiveConfig(lastView).loopWait());
      long remaining = loopWait - (System.nanoTime() - started);
      try {
        if (wake.tryAcquire(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * One cycle. When {@link ViewVerification} allows, it first decides on the watched view without
   * reading etcd and acts on that decision if it is steady (a replica that keeps following, a
   * leader that keeps leading and renews); otherwise, and whenever that decision would act, it
   * reads etcd and decides again on the confirmed view, which is what it acts on.
   */
  private void cycle() {
    safety.beforeCycle();
    long startedAt = System.nanoTime();
    ClusterView watched = dcs.view();
    DynamicConfig watchedConfig = effectiveConfig(watched);
    Optional<ViewVerification.Reason> verify =
        verification.whyVerify(
            startedAt,
            watched,
            dcs.watchRun(),
            watchedConfig.loopWait(),
            watchedConfig.ttl(),
            reinitializeRequested.get());
    if (verify.isEmpty()) {
      Pass pass = observeAndDecide(watched, startedAt, false, false);
      if (pass == null) {
        return;
      }
      if (pass.decision().isSteady()) {
        carryOut(pass);
        return;
      }
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "[{}] reading etcd before acting on the watched view's decision: {}",
            name,
            pass.decision().reason());
      }
    } else if (verify.get() == ViewVerification.Reason.LATE) {
      LOG.info(
          "[{}] this cycle began {} ms after the previous one (loop_wait {}s): reading etcd before"
              + " deciding",
          name,
          TimeUnit.NANOSECONDS.toMillis(verification.gapNanos()),
          watchedConfig.loopWait());
    } else {
      LOG.debug("[{}] reading etcd before deciding: {}", name, verify.get());
    }
    long readAt = System.nanoTime();
    long watchRun = dcs.watchRun();
    ClusterView view;
    boolean readFailed;
    try {
      view = dcs.refresh();
      readFailed = false;
      viewConfirmedAtNanos = readAt;
      dcsReachable = true;
      dcsLastSeenEpochSeconds = Instant.now().getEpochSecond();
      verification.verified(readAt, view, watchRun);
    } catch (DcsException e) {
      readFailed = true;
      dcsReachable = false;
      verification.readFailed();
      LOG.warn("[{}] cannot read the cluster state from etcd: {}", name, e.getMessage());
      view = dcs.view();
    }
    Pass pass = observeAndDecide(view, readAt, readFailed, true);
    if (pass != null) {
      carryOut(pass);
    }
  }

  /** What a cycle saw and decided, to act on. */
  private record Pass(Decision decision, Observation seen) {}

  /**
   * Observes PostgreSQL and decides on {@code view}; null when the loop is stopping. Only a pass
   * whose decision is acted on takes the operator's reinitialize request ({@code takeRequests}); a
   * pass on the watched view only looks at it (its decision is then not steady, and the pass on the
   * confirmed view takes it).
   */
  private Pass observeAndDecide(
      ClusterView view, long observedAt, boolean readFailed, boolean takeRequests) {
    lastView = view;
    if (!running) {
      // Stopping: the stop acts on its own; a cycle that waited on an unreachable etcd must not
      // make the stop wait on it again.
      return null;
    }
    view.config().ifPresent(c -> lastSeenConfig = Optional.of(c));
    DynamicConfig config = effectiveConfig(view);
    silence.track(view, config);
    followTtl(config);
    if (config != followedConfig) {
      // The same configuration as last cycle (the view was not replaced): nothing to compare.
      parameters.follow(StandbyCluster.parameters(config), config.postgresqlExtra());
      followedConfig = config;
    }
    cacheDynamicConfig(view);
    postgres.setReplicationTimeouts(ReplicationTimeouts.of(config.retryTimeoutDuration()));

    PostgresStatus status = postgres.probe();
    lastStatus = status;
    boolean reinitialize;
    if (takeRequests) {
      reinitialize = reinitializeRequested.getAndSet(false);
      reinitializing = reinitialize;
    } else {
      reinitialize = reinitializeRequested.get();
    }
    LocalState local =
        observe(status, observedAt, view, readFailed, config).toBuilder()
            .reinitializeRequested(reinitialize)
            .build();
    // Fresh positions of the peers matter when someone may be elected: no leader, or a
    // switchover / failover requested. Not to a primary whose key was deleted under it: it
    // creates the key again whatever they say (VacatedLeaderKey), and without waiting for them.
    if (view.leader().isPresent()) {
      lastLedMembers = view.members();
    }
    boolean vacated = local.leaderKeyVacatedUntilNanos().isPresent() && status.isReadWrite();
    PeerPositions positions =
        view.leader().isEmpty() && !vacated || view.failover().isPresent()
            ? peers.positions(membersToAsk(view), timeouts.peerProbe())
            : PeerPositions.none();

    Decision decision =
        HaDecider.decide(
            local,
            view,
            config,
            identity.get(),
            positions,
            new Now(System.nanoTime(), Instant.now()));
    return new Pass(decision, new Observation(view, config, status, local));
  }

  /** Acts on the pass's decision. */
  private void carryOut(Pass pass) {
    Decision decision = pass.decision();
    DynamicConfig config = pass.seen().config();
    record(decision);
    safety.decided(decision.publication().permanentSlots());
    ActionExecutor.Outcome outcome = executor.execute(decision, pass.seen());
    lastStatus = outcome.status();
    safety.afterCycle(config, outcome.status(), postgres.isRunning());
    if (decision.isSteady() && outcome.completed()) {
      verification.endedSteady();
    }
    if (outcome.decideAgain()) {
      wakeUp();
    }
  }

  /** The view's members, and those of the last view with a leader that it no longer lists. */
  private Collection<Member> membersToAsk(ClusterView view) {
    Map<String, Member> members = new HashMap<>(lastLedMembers);
    members.putAll(view.members());
    return members.values();
  }

  /** Writes the {@code config} key to Patroni's cache file when it changed (or was not written). */
  private void cacheDynamicConfig(ClusterView view) {
    if (view.config().isEmpty()
        || view.config().get() == cachedConfigSource
        || !postgres.isInitialized()) {
      return;
    }
    Optional<String> json = view.config().map(PatroniCodec::encodeConfig);
    if (!json.equals(cachedConfig)) {
      postgres.cacheDynamicConfig(json.get());
      cachedConfig = json;
    }
    cachedConfigSource = view.config().get();
  }

  /**
   * The configuration in effect: the {@code config} key's; while the key is missing, the last one
   * seen (Patroni's dynamic configuration: {@code patronictl remove} or a deleted key does not undo
   * {@code edit-config}), or the bootstrap one before any was seen.
   */
  DynamicConfig effectiveConfig(ClusterView view) {
    return view.config().or(() -> lastSeenConfig).orElse(bootstrapConfig);
  }

  /** The lease follows the config key: its ttl, and how often it is renewed. */
  private void followTtl(DynamicConfig config) {
    dcs.renewFast(config.fastTakeoverEnabled());
    LeaseStatus lease = dcs.leaseStatus();
    if (lease.leaseId() != 0 && lease.ttlSeconds() != config.ttl()) {
      try {
        LOG.info(
            "[{}] ttl changed from {}s to {}s: moving to a new lease",
            name,
            lease.ttlSeconds(),
            config.ttl());
        dcs.changeTtl(Duration.ofSeconds(config.ttl()));
      } catch (DcsException e) {
        LOG.warn("[{}] could not change the lease ttl: {}", name, e.getMessage());
      }
    }
  }

  private LocalState observe(
      PostgresStatus status,
      long nowNanos,
      ClusterView view,
      boolean readFailed,
      DynamicConfig config) {
    boolean up = status.acceptingConnections();
    boolean readWrite = status.isReadWrite();
    int stoppedTimeline = 0;
    if (up) {
      state.observed(true, readWrite, status.systemIdentifier(), nowNanos);
    } else if (postgres.isInitialized()) {
      Optional<StoredState> stored = postgres.storedState();
      state.observed(
          false,
          stored.map(StoredState::lastRunAsPrimary).orElse(null),
          stored.map(StoredState::systemIdentifier).orElse(null),
          nowNanos);
      if (!status.running()) {
        stoppedTimeline = stored.map(StoredState::timeline).orElse(0);
      }
    }
    MemberState.Facts facts = state.get();
    LeaseStatus lease = dcs.leaseStatus();
    Lsn position = status.walPosition();
    LocalState.Builder b =
        LocalState.builder()
            .dataDirectoryEmpty(!postgres.isInitialized())
            .running(up)
            .inRecovery(status.isStandby())
            .timeline(status.timeline() == null ? 0 : status.timeline())
            .walPosition(position == null ? 0 : position.value())
            .lastRunAsPrimary(facts.lastRunAsPrimary())
            .stoppedTimeline(stoppedTimeline)
            .rejoinFailed(facts.rejoinFailed())
            .viewConfirmedAtNanos(viewConfirmedAtNanos)
            .etcdReadFailed(readFailed)
            .postmasterStarting(status.running() && !up)
            .synchronousStandbyNames(sync.current());
    if (readWrite) {
      b.standbys(sync.standbys(status));
    }
    // Every running member keeps the slots of the members streaming from it: the leader, a replica
    // others cascade from (replicatefrom), the standby leader of a standby cluster.
    if (up && config.useSlots()) {
      try {
        b.slots(slots.observe(view, config, readWrite, nowNanos));
      } catch (PostgresControlException e) {
        LOG.warn("[{}] could not list replication slots: {}", name, e.getMessage());
      }
    }
    facts.systemIdentifier().ifPresent(b::systemIdentifier);
    facts.following().ifPresent(b::following);
    facts.postgresDownSinceNanos().ifPresent(b::postgresDownSinceNanos);
    if (lease.leaseId() != 0) {
      b.leaseDeadlineNanos(lease.deadlineNanos());
    }
    dcs.leaderKeyVacatedUntilNanos().ifPresent(b::leaderKeyVacatedUntilNanos);
    silence.current().ifPresent(b::leaderLease);
    if (status.receivedLsn() != null
        && status.replayedLsn() != null
        && status.receivedLsn().isAfter(status.replayedLsn())) {
      b.replayLagBytes(status.receivedLsn().value() - status.replayedLsn().value());
    }
    safety.contribute(b, config, !readFailed);
    return b.build();
  }

  private void record(Decision decision) {
    synchronized (decisions) {
      decisions.addFirst(new DecisionRecord(Instant.now(), decision));
      while (decisions.size() > KEPT_DECISIONS) {
        decisions.removeLast();
      }
    }
    // Reasons carry figures (seconds down, bytes behind) that change every cycle; log at INFO only
    // when what is done changes, so the log reads as a list of transitions.
    // Equal actions print alike: only unequal ones are compared as text.
    if (lastLogged == null
        || !lastLogged.actions().equals(decision.actions())
            && !lastLogged.actions().toString().equals(decision.actions().toString())) {
      LOG.info("[{}] {}", name, decision.reason());
      lastLogged = decision;
    } else {
      LOG.debug("[{}] {}", name, decision.reason());
    }
  }

  /** Stops the loop; waits for the current cycle to end (bounded). */
  @Override
  public void close() {
    running = false;
    silence.close();
    wakeUp();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}
