package io.pgha.core.agent;

import io.pgha.core.api.ManagementActions;
import io.pgha.core.api.NodeSnapshot;
import io.pgha.core.config.Credentials;
import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.WatchdogMode;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.MemberIdentity;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.patroni.DynamicConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's running agent: the DCS, the PostgreSQL controller, the HA loop and the reflexes that
 * must not wait for the loop (fencing on lease loss, waking on key changes and postmaster exits).
 * {@code io.pgha.core.PghaAgent} is its public face.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final EventPublisher events;
  private final ActionExecutor executor;
  private final SlotKeeper slots;
  private final PeerProbe peers;
  private final HaLoop loop;
  private final LeaseReflex reflex;
  private final FailsafeDemotion demotion;
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private final AgentTimeouts timeouts;
  private final ApiBridge api;
  private final FailsafeGuard failsafe;
  private final Watchdog watchdog;
  private final WatchdogKeeper watchdogKeeper;
  private final ScheduledRestarts restarts;
  private final LocalIdentity identity;

  /**
   * @param scope the cluster name
   * @param identity this member's name and tags
   * @param dcs the cluster state in etcd, connected
   * @param postgres the local PostgreSQL
   * @param bootstrapConfig the dynamic configuration written when this member bootstraps the
   *     cluster, and used until the {@code config} key exists
   * @param apiUrl this member's {@code api_url}
   * @param listeners told about role changes
   */
  public Agent(
      String scope,
      MemberIdentity identity,
      Dcs dcs,
      PostgresController postgres,
      DynamicConfig bootstrapConfig,
      String apiUrl,
      List<AgentListener> listeners) {
    this(
        scope,
        identity,
        dcs,
        postgres,
        bootstrapConfig,
        apiUrl,
        listeners,
        FencingSettings.NONE,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * @param scope the cluster name
   * @param identity this member's name and tags
   * @param dcs the cluster state in etcd, connected
   * @param postgres the local PostgreSQL
   * @param bootstrapConfig the dynamic configuration written when this member bootstraps the
   *     cluster, and used until the {@code config} key exists
   * @param apiUrl this member's {@code api_url}
   * @param listeners told about role changes
   * @param fencing {@code pre_promote} and the watchdog
   * @param apiCredentials what this member's API requires for unsafe methods; sent to the peers'
   *     APIs, which are expected to require the same (as in Patroni)
   * @param apiTls how this member calls peers whose {@code api_url} is https ({@link
   *     io.pgha.core.api.PeerTls}); empty for the JDK's defaults
   * @param proxyUrl the {@code proxy_url} published in the member key ({@code
   *     postgresql.proxy_address}); empty for none
   */
  public Agent(
      String scope,
      MemberIdentity identity,
      Dcs dcs,
      PostgresController postgres,
      DynamicConfig bootstrapConfig,
      String apiUrl,
      List<AgentListener> listeners,
      FencingSettings fencing,
      Optional<Credentials> apiCredentials,
      Optional<SSLContext> apiTls,
      Optional<String> proxyUrl) {
    this.name = identity.name();
    this.dcs = dcs;
    this.postgres = postgres;
    String connUrl = ConnUrl.of(postgres.config().connectHost(), postgres.config().port());
    this.timeouts = AgentTimeouts.defaults(Duration.ofSeconds(bootstrapConfig.retryTimeout()));
    this.events = new EventPublisher(name);
    listeners.forEach(events::add);
    MemberState state = new MemberState();
    this.watchdog = new Watchdog(name, fencing);
    PromotionGate gate =
        new PromotionGate(
            name,
            fencing
                .prePromoteIfSet()
                .map(c -> new PrePromoteCommand(name, c, fencing.prePromoteTimeout())),
            watchdog);
    this.peers = new PeerProbe(name, apiTls);
    this.restarts = new ScheduledRestarts(name, Clock.systemUTC());
    this.identity = new LocalIdentity(identity);
    MemberRecord memberRecord =
        new MemberRecord(name, connUrl, apiUrl, proxyUrl, this.identity::tags, restarts);
    SyncKeeper sync = new SyncKeeper(name, dcs, postgres);
    LeaderChecksHold checksHold = new LeaderChecksHold();
    SlotKeeper slots = new SlotKeeper(name, postgres);
    this.slots = slots;
    this.executor =
        new ActionExecutor(
            name,
            dcs,
            postgres,
            state,
            events,
            timeouts,
            bootstrapConfig,
            gate,
            peers,
            memberRecord,
            sync,
            slots,
            checksHold);
    this.failsafe =
        new FailsafeGuard(
            name,
            dcs,
            bootstrapConfig,
            new FailsafeHeartbeats(name, connUrl, apiUrl, apiCredentials, apiTls),
            this::fenceDeferredByFailsafe,
            this::demoteRefusedByFailsafe,
            slots::leaderSlotsHeard,
            slots::permanentPositions);
    this.watchdogKeeper =
        new WatchdogKeeper(
            name,
            watchdog,
            fencing.watchdogSafetyMargin(),
            () ->
                WatchdogKeeper.latest(
                    dcs.leadershipConfirmedAtNanos(), failsafe.confirmedSinceNanos()),
            fencing.watchdogMode() != WatchdogMode.OFF);
    this.reflex = new LeaseReflex(name, dcs, failsafe, this::fence, timeouts.stop());
    this.demotion =
        new FailsafeDemotion(name, reflex::fence, executor::startReadOnly, this::wakeLoop);
    this.loop =
        new HaLoop(
            name,
            dcs,
            postgres,
            state,
            this.identity,
            executor,
            peers,
            sync,
            slots,
            bootstrapConfig,
            timeouts,
            new LeaderSafety(failsafe, reflex, gate),
            new LeaderSilenceWatch(name, dcs));
    this.api =
        new ApiBridge(
            name,
            scope,
            this.identity,
            apiUrl,
            connUrl,
            dcs,
            postgres,
            state,
            loop,
            failsafe,
            restarts,
            checksHold);
  }

  /** Starts the HA loop and the reflexes. */
  public void start() {
    subscriptions.add(
        dcs.onLeadershipLost(
            (reason, atNanos) -> {
              // The clock is already running against us: fence now, on a thread of its own, and
              // let the loop decide what comes next from fresh state. In failsafe mode, every
              // member's confirmation may stand in for etcd's for a while.
              reflex.leadershipLost(reason);
              loop.wakeUp();
            }));
    subscriptions.add(
        dcs.subscribe(
            change -> {
              // Not on a mere re-read: every cycle re-reads etcd, and waking on that would spin.
              if (change.leaderChanged() || change.failoverChanged() || change.configChanged()) {
                loop.wakeUp();
              }
            }));
    postgres.addExitListener(
        exit -> {
          if (!exit.requested()) {
            LOG.warn("[{}] PostgreSQL (pid {}) exited with {}", name, exit.pid(), exit.exitCode());
            loop.wakeUp();
          }
        });
    failsafe.start();
    watchdogKeeper.start();
    reflex.start();
    loop.start();
  }

  /** What the HTTP API serves: snapshots (no I/O per call) of this member. */
  public NodeSnapshot apiSnapshot() {
    return api.snapshot();
  }

  /** The management operations the HTTP API may ask of this member. */
  public ManagementActions managementActions() {
    return api;
  }

  /**
   * Applies a member identity read again from the configuration: its tags show in the member key,
   * the API and the next decision. The name cannot change.
   *
   * @throws IllegalArgumentException when {@code next} names another member
   */
  public void reloadIdentity(MemberIdentity next) {
    identity.set(next);
    loop.wakeUp();
  }

  /**
   * Sets what {@code POST /reload} runs before it reloads PostgreSQL: reading the configuration
   * again and applying it (the embedding application's part, e.g. the sidecar's YAML file). It
   * throws, naming the problem, to refuse the new configuration.
   */
  public void onReload(Runnable rereadConfiguration) {
    api.configReader(rereadConfiguration);
  }

  /** The cluster state in etcd this agent uses (the HTTP API writes config and failover keys). */
  public Dcs dcs() {
    return dcs;
  }

  /** Adds a listener of role changes. */
  public void addListener(AgentListener listener) {
    events.add(listener);
  }

  /** The state now. */
  public AgentSnapshot snapshot() {
    return new AgentSnapshot(
        name,
        dcs.holdsLeadership(),
        postgres.probe(),
        loop.lastView(),
        loop.recentDecisions(),
        loop.lastCycleNanos());
  }

  /**
   * Clean stop: stops the loop, stops PostgreSQL (a fast stop writes the shutdown checkpoint that
   * streaming replicas receive), then releases the leader key so that a replica promotes at once
   * instead of waiting for the lease to expire, and removes the member key.
   *
   * <p>While the cluster is paused (maintenance mode) it touches neither PostgreSQL nor etcd, as
   * Patroni does: PostgreSQL keeps running, and the leader and member keys stay until the lease
   * expires; the watchdog is disarmed.
   */
  public void stop() {
    restarts.close();
    loop.close();
    failsafe.close();
    // No read-only start after this stop's own (one under way ends first: both take the
    // role-change lock).
    demotion.close();
    if (loop.lastView().isPaused()) {
      LOG.info(
          "[{}] the cluster is paused: PostgreSQL is left {} and my keys to expire with my lease",
          name,
          postgres.isRunning() ? "running" : "as it is");
      watchdog.disarm();
      closeQuietly();
      return;
    }
    boolean wasLeader = dcs.holdsLeadership();
    boolean drained = wasLeader && postgres.isRunning() && executor.drainBeforeStop(dcs.view());
    try {
      if (postgres.isRunning()) {
        // As Patroni's shutdown: in synchronous mode primary_stop_timeout bounds the leader's stop.
        postgres.stopPrimary(
            timeouts.stop(),
            wasLeader ? loop.lastView().effectiveConfig().primaryStopLimit() : Optional.empty());
      }
    } catch (PostgresControlException e) {
      LOG.warn("[{}] PostgreSQL did not stop cleanly: {}", name, e.getMessage());
    }
    if (!postgres.isRunning()) {
      watchdog.disarm();
    }
    try {
      if (wasLeader && !postgres.isRunning() && dcs.releaseLeader()) {
        LOG.info("[{}] released the leader key after a clean shutdown", name);
        events.publish(new AgentEvent.LeadershipLost(name, "clean shutdown"));
      }
      if (loop.dcsReachable()) {
        dcs.deleteMember();
      } else {
        // As Patroni, which never deletes it: the key expires with the lease, and a stop while
        // etcd does not answer does not wait for it.
        LOG.info(
            "[{}] etcd did not answer my last cycle: my member key expires with my lease", name);
      }
    } catch (DcsException e) {
      LOG.warn("[{}] could not clean up my keys in etcd: {}", name, e.getMessage());
    }
    if (drained) {
      executor.endDrainOnceLed(dcs.view());
    }
    closeQuietly();
  }

  /**
   * Stops everything without a word to etcd, as if the host died: the keys stay until the lease
   * expires. PostgreSQL is left to the caller. For tests of host failure.
   */
  public void halt() {
    restarts.close();
    loop.close();
    demotion.close();
    watchdogKeeper.close();
    watchdog.abandon();
    closeQuietly();
  }

  /**
   * The fencing reflex's fence. A PostgreSQL it stopped needs the watchdog no longer: disarmed at
   * once, as Patroni disarms at the stop's safepoint, and not at the end of an HA cycle that may be
   * waiting for etcd while the device counts down (no keep-alives without a confirmed lease).
   */
  private boolean fence(String why) {
    boolean stopped = executor.fence(why);
    if (!postgres.isRunning()) {
      watchdog.disarm();
    }
    return stopped;
  }

  /** Failsafe mode's deferred fence, once its confirmations lapse: the reflex carries it out. */
  private void fenceDeferredByFailsafe(String why) {
    reflex.fence(why);
  }

  /** A refused failsafe round: the fence and the read-only start, without waiting for the loop. */
  private void demoteRefusedByFailsafe(String why) {
    demotion.demote(why);
  }

  /** The loop exists once the constructor ended; reflexes run only after {@link #start}. */
  private void wakeLoop() {
    loop.wakeUp();
  }

  private void closeQuietly() {
    slots.close();
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.debug("[{}] unsubscribing: {}", name, e.toString());
      }
    }
    reflex.close();
    demotion.close();
    failsafe.close();
    watchdogKeeper.close();
    watchdog.abandon();
    peers.close();
    dcs.close();
    events.close();
    postgres.close();
  }

  @Override
  public void close() {
    stop();
  }
}
