package io.pgha.core.agent;

import io.pgha.core.api.ActionResult;
import io.pgha.core.api.FailsafeAnswer;
import io.pgha.core.api.FailsafeRequest;
import io.pgha.core.api.ManagementActions;
import io.pgha.core.api.NodeSnapshot;
import io.pgha.core.api.RestartRequest;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Role;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP API sees of the agent: snapshots built from what the HA loop last observed (no I/O
 * per request, except the lease check which is a memory read), and the management actions the agent
 * supports today. While a leader may be elected (no leader key, or a failover key), the PostgreSQL
 * status is read afresh instead ({@link FreshStatus}): the peers compare WAL positions with it.
 */
final class ApiBridge implements ManagementActions {
  private static final Logger LOG = LoggerFactory.getLogger(ApiBridge.class);

  private final String name;
  private final String scope;
  private final LocalIdentity identity;
  private volatile Runnable configReader = () -> {};
  private final String apiUrl;
  private final String connUrl;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final HaLoop loop;
  private final FailsafeGuard failsafe;
  private final FreshStatus fresh;
  private final ScheduledRestarts restarts;
  private final LeaderChecksHold checksHold;

  ApiBridge(
      String name,
      String scope,
      LocalIdentity identity,
      String apiUrl,
      String connUrl,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      HaLoop loop,
      FailsafeGuard failsafe,
      ScheduledRestarts restarts,
      LeaderChecksHold checksHold) {
    this.name = name;
    this.scope = scope;
    this.identity = identity;
    this.apiUrl = apiUrl;
    this.connUrl = connUrl;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.loop = loop;
    this.failsafe = failsafe;
    this.restarts = restarts;
    this.checksHold = checksHold;
    this.fresh =
        new FreshStatus(postgres::peek, Duration.ofMillis(200), Duration.ofMillis(500), name);
  }

  NodeSnapshot snapshot() {
    ClusterView view = dcs.view();
    PostgresStatus status = loop.lastStatus();
    if (view.leader().isEmpty() || view.failover().isPresent()) {
      // A leader may be elected: peers compare WAL positions through this answer (PeerProbe).
      status = fresh.get(status);
    }
    NodeSnapshot.Builder b =
        NodeSnapshot.builder(name, scope)
            .version(MemberRecord.VERSION)
            .postgresState(state.get().state())
            .role(roleOf(status, view))
            .postgres(status)
            .cluster(view)
            .dcsReachable(loop.dcsReachable())
            .failsafeActive(failsafe.isActive())
            // In failsafe mode the members' confirmations stand in for etcd's: load balancers
            // keep sending writes to the primary that still may take them.
            .holdsLeaderKey(dcs.holdsLeadership() || failsafe.leadsOnConfirmations())
            // The leader checks answer 200 only while this is fresh (HealthRules): a deposed
            // leader cannot refresh it, even while its view still names it. A new leader whose
            // takeover could not show the old one's lease silent holds them (GuardedTakeover).
            .leaderConfirmedAtNanos(
                checksHold.confirmedAt(dcs.leadershipConfirmedAtNanos(), System.nanoTime()))
            .fastTakeoverMayDepose(dcs.fastTakeoverMayDepose())
            .tags(identity.tags())
            .lastDecision(
                loop.recentDecisions().isEmpty()
                    ? ""
                    : loop.recentDecisions().get(0).decision().reason())
            .dcsLastSeenEpochSeconds(loop.dcsLastSeenEpochSeconds())
            .apiUrl(apiUrl)
            .connUrl(connUrl);
    if (loop.lastCycleNanos() != 0) {
      b.lastLoopNanos(loop.lastCycleNanos());
    }
    return b.build();
  }

  private Role roleOf(PostgresStatus status, ClusterView view) {
    if (status == null || !status.acceptingConnections()) {
      return Role.UNKNOWN;
    }
    if (!status.isStandby()) {
      return Role.PRIMARY;
    }
    boolean standbyLeader = loop.effectiveConfig(view).isStandbyCluster() && dcs.holdsLeadership();
    return standbyLeader ? Role.STANDBY_LEADER : Role.REPLICA;
  }

  @Override
  public ActionResult restart(RestartRequest request) {
    if (request.schedule().isPresent()) {
      if (!restarts.schedule(request, this::scheduledRestartDue)) {
        return ActionResult.conflict("Another restart is already scheduled");
      }
      // Publishes scheduled_restart in the member key now rather than after loop_wait.
      loop.wakeUp();
      return ActionResult.accepted("Restart scheduled");
    }
    return restartNow(request);
  }

  /** A scheduled restart's time has come: as Patroni, not while the cluster is paused. */
  private void scheduledRestartDue(RestartRequest request) {
    if (loop.lastView().isPaused()) {
      LOG.warn("[{}] scheduled restart not carried out: the cluster is paused", name);
      return;
    }
    ActionResult r = restartNow(request);
    LOG.info("[{}] scheduled restart: {}", name, r.message());
  }

  /** Patroni's conditional restart: only when this member meets the request's conditions. */
  private ActionResult restartNow(RestartRequest request) {
    if (request.role().isPresent()
        || request.postgresVersion().isPresent()
        || request.restartPending()) {
      PostgresStatus status = postgres.probe();
      Role running =
          !status.acceptingConnections()
              ? Role.UNKNOWN
              : dcs.holdsLeadership() || !status.isStandby() ? Role.PRIMARY : Role.REPLICA;
      Optional<String> mismatch =
          request.mismatch(
              running,
              Optional.ofNullable(status.serverVersion()),
              Boolean.TRUE.equals(status.pendingRestart()));
      if (mismatch.isPresent()) {
        LOG.info("[{}] not proceeding with the restart: {}", name, mismatch.get());
        return ActionResult.failed("restart conditions are not satisfied");
      }
    }
    try {
      postgres.restart(request.timeout().orElse(Duration.ofMinutes(2)));
      loop.wakeUp();
      return ActionResult.done("restarted successfully");
    } catch (PostgresControlException e) {
      return ActionResult.failed("restart failed: " + e.getMessage());
    }
  }

  @Override
  public ActionResult cancelScheduledRestart() {
    if (!restarts.cancel()) {
      return ActionResult.notFound("no restarts are scheduled");
    }
    loop.wakeUp();
    return ActionResult.done("scheduled restart deleted");
  }

  /**
   * Sets what {@code POST /reload} runs first: reading the member's configuration again and
   * applying what may change while it runs. It throws, naming the problem, when the configuration
   * cannot be used; the member then keeps the one it has.
   */
  void configReader(Runnable reader) {
    this.configReader = reader;
  }

  @Override
  public ActionResult reload() {
    try {
      configReader.run();
    } catch (RuntimeException e) {
      LOG.warn("[{}] reload refused, the configuration in use stays: {}", name, e.getMessage());
      return ActionResult.failed("reload failed: " + e.getMessage());
    }
    loop.wakeUp();
    if (!postgres.isRunning()) {
      return ActionResult.accepted("reloaded the configuration; PostgreSQL is not running");
    }
    try {
      postgres.reload();
      return ActionResult.accepted("reloaded PostgreSQL configuration");
    } catch (PostgresControlException e) {
      return ActionResult.failed("reload failed: " + e.getMessage());
    }
  }

  @Override
  public ActionResult reinitialize(boolean force, boolean fromLeader) {
    // Patroni's checks and answers; the wipe and the clone are the HA loop's (a decision input).
    ClusterView view;
    try {
      view = dcs.refresh();
    } catch (DcsException e) {
      return ActionResult.failed("etcd is not reachable: " + e.getMessage());
    }
    if (view.leader().isEmpty()) {
      return ActionResult.failed("Cluster has no leader, can not reinitialize");
    }
    if (view.leader().get().name().equals(name) || dcs.holdsLeadership()) {
      return ActionResult.failed("I am the leader, can not reinitialize");
    }
    if (!force && loop.reinitializeInProgress()) {
      return ActionResult.failed("reinitialize already in progress");
    }
    loop.requestReinitialize();
    return ActionResult.done("reinitialize started");
  }

  @Override
  public boolean failsafeModeEnabled() {
    // The newest view etcd gave (its watch), as FailsafeGuard reads it, not the last cycle's: a
    // member whose cycle is long (a clone, a read of a frozen etcd that takes the request timeout)
    // refused the leader's heartbeats with the config key it saw before the cycle began.
    return dcs.view()
        .config()
        .or(() -> loop.lastView().config())
        .map(c -> c.failsafeMode())
        .orElse(false);
  }

  @Override
  public FailsafeAnswer failsafeHeartbeat(FailsafeRequest request) {
    return failsafe.heartbeat(request);
  }
}
