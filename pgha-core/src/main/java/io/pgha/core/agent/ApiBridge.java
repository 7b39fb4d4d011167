package io.pgha.core.agent;

import io.pgha.core.api.ActionResult;
import io.pgha.core.api.FailsafeAnswer;
import io.pgha.core.api.FailsafeRequest;
import io.pgha.core.api.ManagementActions;
import io.pgha.core.api.NodeSnapshot;
import io.pgha.core.api.RestartRequest;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Role;
import io.pgha.patroni.Tags;
import java.time.Duration;

/**
 * What the HTTP API sees of the agent: snapshots built from what the HA loop last observed (no I/O
 * per request, except the lease check which is a memory read), and the management actions the agent
 * supports today. While a leader may be elected (no leader key, or a failover key), the PostgreSQL
 * status is read afresh instead ({@link FreshStatus}): the peers compare WAL positions with it.
 */
final class ApiBridge implements ManagementActions {
  private final String name;
  private final String scope;
  private final Tags tags;
  private final String apiUrl;
  private final String connUrl;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final HaLoop loop;
  private final FailsafeGuard failsafe;
  private final FreshStatus fresh;

  ApiBridge(
      String name,
      String scope,
      Tags tags,
      String apiUrl,
      String connUrl,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      HaLoop loop,
      FailsafeGuard failsafe) {
    this.name = name;
    this.scope = scope;
    this.tags = tags;
    this.apiUrl = apiUrl;
    this.connUrl = connUrl;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.loop = loop;
    this.failsafe = failsafe;
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
            .role(roleOf(status))
            .postgres(status)
            .cluster(view)
            .dcsReachable(loop.dcsReachable())
            .failsafeActive(failsafe.isActive())
            // In failsafe mode the members' confirmations stand in for etcd's: load balancers
            // keep sending writes to the primary that still may take them.
            .holdsLeaderKey(dcs.holdsLeadership() || failsafe.isActive())
            // The leader checks answer 200 only while this is fresh (HealthRules): a deposed
            // leader cannot refresh it, even while its view still names it.
            .leaderConfirmedAtNanos(dcs.leadershipConfirmedAtNanos())
            .tags(tags)
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

  private static Role roleOf(PostgresStatus status) {
    if (status == null || !status.acceptingConnections()) {
      return Role.UNKNOWN;
    }
    return status.isStandby() ? Role.REPLICA : Role.PRIMARY;
  }

  @Override
  public ActionResult restart(RestartRequest request) {
    if (request.schedule().isPresent()) {
      return ActionResult.failed("scheduled restarts are not supported yet; restart now instead");
    }
    try {
      postgres.restart(request.timeout().orElse(Duration.ofMinutes(2)));
      loop.wakeUp();
      return ActionResult.done("restarted");
    } catch (PostgresControlException e) {
      return ActionResult.failed("restart failed: " + e.getMessage());
    }
  }

  @Override
  public ActionResult cancelScheduledRestart() {
    return ActionResult.notFound("no restart is scheduled");
  }

  @Override
  public ActionResult reload() {
    try {
      postgres.reload();
      return ActionResult.accepted("reloaded PostgreSQL configuration");
    } catch (PostgresControlException e) {
      return ActionResult.failed("reload failed: " + e.getMessage());
    }
  }

  @Override
  public ActionResult reinitialize(boolean force, boolean fromLeader) {
    return ActionResult.failed("reinitialize is not supported by this agent yet");
  }

  @Override
  public boolean failsafeModeEnabled() {
    return loop.lastView().config().map(c -> c.failsafeMode()).orElse(false);
  }

  @Override
  public FailsafeAnswer failsafeHeartbeat(FailsafeRequest request) {
    return failsafe.heartbeat(request);
  }
}
