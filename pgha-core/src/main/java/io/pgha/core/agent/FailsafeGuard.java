package io.pgha.core.agent;

import io.pgha.core.api.FailsafeAnswer;
import io.pgha.core.api.FailsafeRequest;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.LeaseStatus;
import io.pgha.core.ha.Failsafe;
import io.pgha.core.ha.FailsafeContact;
import io.pgha.core.ha.LocalState;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Leader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failsafe mode on this member, the side effects of {@link Failsafe}'s rules.
 *
 * <p>As leader: while etcd does not confirm the lease, asks every member over the API to accept it
 * (rounds on a thread of their own, so that a loop blocked on etcd does not delay them), and
 * remembers until when the last complete round lets it stay primary. The lease reflex asks {@link
 * #deferFencing} before it fences ({@link Failsafe#deferFencing} judges); a deferred fence is
 * carried out here, on a second thread, the moment the confirmation lapses without the lease coming
 * back.
 *
 * <p>As replica: accepts heartbeats (unless it runs read-write itself) and remembers the last one,
 * which keeps it out of the leader race for a ttl.
 */
final class FailsafeGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FailsafeGuard.class);
  private static final long FENCE_CHECK_MILLIS = 20;
  private static final long ROUND_CHECK_MILLIS = 100;

  private final String name;
  private final Dcs dcs;
  private final FailsafeHeartbeats heartbeats;
  private final Consumer<String> fence;
  private final ScheduledExecutorService scheduler;
  private final PollWhile fenceChecks;
  private final PollWhile roundChecks;
  private volatile boolean started;
  private volatile ClusterView view = ClusterView.empty();
  private volatile DynamicConfig config;
  private volatile PostgresStatus status;
  private volatile long confirmedUntilNanos;
  private volatile boolean confirmed;
  private volatile long lastRoundNanos;
  private volatile boolean fenceDeferred;
  private volatile FailsafeContact contact;
  private volatile String lastRefusals = "";

  /**
   * @param fence stops PostgreSQL accepting writes (the agent's fencing reflex), given why
   */
  FailsafeGuard(
      String name,
      Dcs dcs,
      DynamicConfig bootstrapConfig,
      FailsafeHeartbeats heartbeats,
      Consumer<String> fence) {
    this.name = name;
    this.dcs = dcs;
    this.config = bootstrapConfig;
    this.heartbeats = heartbeats;
    this.fence = fence;
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "pgha-failsafe-" + name);
              t.setDaemon(true);
              return t;
            });
    // Polled only while there is something to check: an agent without failsafe mode, or with
    // no fence deferred, does not wake for them.
    this.fenceChecks =
        new PollWhile(
            scheduler,
            FENCE_CHECK_MILLIS,
            () -> started && fenceDeferred,
            this::checkDeferredFence);
    this.roundChecks =
        new PollWhile(
            scheduler, ROUND_CHECK_MILLIS, () -> started && failsafeMode(), this::maybeRunRound);
  }

  void start() {
    started = true;
    fenceChecks.start();
    roundChecks.start();
  }

  // ------------------------------------------------------------------ the HA loop's side

  /** Adds what failsafe mode knows to the state a decision starts from. */
  void contribute(LocalState.Builder b, DynamicConfig current) {
    if (!current.failsafeMode()) {
      return;
    }
    if (confirmed) {
      b.failsafeConfirmedUntilNanos(confirmedUntilNanos);
    }
    FailsafeContact c = contact;
    if (c != null) {
      b.failsafeContact(c);
    }
  }

  /**
   * After each cycle: remembers what the rounds work from. (The leader keeps the {@code failsafe}
   * key through the decision's {@link io.pgha.core.ha.ActionKind#FAILSAFE_KEY}.)
   */
  void afterCycle(ClusterView seen, DynamicConfig current, PostgresStatus local) {
    this.view = seen;
    this.config = current;
    this.status = local;
    if (!current.failsafeMode()) {
      confirmed = false;
    }
    roundChecks.start();
  }

  // ------------------------------------------------------------------ the lease reflex's side

  /**
   * Asked by the lease reflex before it fences: true when failsafe confirmations let this member
   * stay primary for now (the fence is then carried out here when they lapse), false to fence.
   */
  boolean deferFencing(String reason) {
    Optional<String> deferred =
        Failsafe.deferFencing(
            failsafeMode(),
            confirmedUntil(),
            dcs.view().leader().map(Leader::name),
            name,
            System.nanoTime());
    if (deferred.isEmpty()) {
      return false;
    }
    fenceDeferred = true;
    fenceChecks.start();
    LOG.warn("[{}] {}; {}", name, reason, deferred.get());
    return true;
  }

  private boolean failsafeMode() {
    DynamicConfig c = config;
    return c != null && c.failsafeMode();
  }

  /** Until when the last complete round covers this member; empty when none does. */
  private OptionalLong confirmedUntil() {
    return confirmed ? OptionalLong.of(confirmedUntilNanos) : OptionalLong.empty();
  }

  private void checkDeferredFence() {
    try {
      if (!fenceDeferred) {
        return;
      }
      long now = System.nanoTime();
      // Our key lives as long as the lease it is on: a lease etcd confirms again, with the key
      // still naming us, ends the need (the loop re-establishes leadership at its next cycle).
      if (dcs.holdsLeadership()
          || (dcs.leaseStatus().isValidAt(now) && dcs.view().isLeader(name))) {
        fenceDeferred = false;
        LOG.info("[{}] etcd confirms my lease again: failsafe no longer needed", name);
        return;
      }
      if (Failsafe.confirmationsCover(failsafeMode(), confirmedUntil(), now)) {
        return;
      }
      fenceDeferred = false;
      fence.accept(
          "etcd does not confirm my lease and failsafe mode no longer covers me"
              + (lastRefusals.isEmpty() ? "" : " (" + lastRefusals + ")"));
    } catch (RuntimeException e) {
      LOG.error("[{}] failsafe fence check failed", name, e);
    }
  }

  // ------------------------------------------------------------------ rounds

  private void maybeRunRound() {
    try {
      DynamicConfig c = config;
      if (c == null) {
        return;
      }
      long ttl = TimeUnit.SECONDS.toNanos(c.ttl());
      long now = System.nanoTime();
      LeaseStatus lease = dcs.leaseStatus();
      boolean leading = view.isLeader(name) && runsReadWrite(status);
      long lastSend = lease.leaseId() == 0 || fenceDeferred ? 0 : lease.lastConfirmedSendNanos();
      if (!Failsafe.heartbeatDue(c.failsafeMode(), leading, lastSend, ttl, now)) {
        if (confirmed && dcs.holdsLeadership() && !fenceDeferred) {
          confirmed = false;
          LOG.info("[{}] etcd confirms my lease again: failsafe confirmations end", name);
        }
        return;
      }
      long interval = Math.min(TimeUnit.SECONDS.toNanos(c.loopWait()), ttl / 4);
      if (lastRoundNanos != 0 && now - lastRoundNanos < interval) {
        return;
      }
      lastRoundNanos = now;
      runRound(c, ttl);
    } catch (RuntimeException e) {
      LOG.error("[{}] failsafe round failed", name, e);
    }
  }

  private void runRound(DynamicConfig c, long ttlNanos) {
    Map<String, String> members = Failsafe.membersToConfirm(view, name);
    if (members.isEmpty() && Failsafe.aloneInFailsafeKey(view, name)) {
      accepted(System.nanoTime(), ttlNanos, members);
      return;
    }
    if (members.isEmpty()) {
      // Nobody to ask would confirm anything: a view that lost every other member key (their
      // leases expired in the same outage) must not keep a leader that may be cut off from a
      // majority that can elect another one.
      lastRefusals = "no other member is known to confirm me";
      LOG.warn("[{}] failsafe: no other member is known to confirm me as leader", name);
      return;
    }
    Duration timeout = Duration.ofNanos(Math.min(TimeUnit.SECONDS.toNanos(2), ttlNanos / 4));
    FailsafeHeartbeats.Round round = heartbeats.confirm(members, timeout);
    if (round.allAccepted()) {
      accepted(round.startedNanos(), ttlNanos, members);
    } else {
      lastRefusals = "not confirmed by " + round.refusals();
      LOG.warn(
          "[{}] failsafe: {} of {} members did not accept me as leader: {}",
          name,
          round.refusals().size(),
          members.size(),
          round.refusals());
    }
  }

  private void accepted(long startedNanos, long ttlNanos, Map<String, String> members) {
    long until = Failsafe.confirmedUntil(startedNanos, ttlNanos);
    if (!confirmed || until - confirmedUntilNanos > 0) {
      confirmedUntilNanos = until;
    }
    boolean first = !confirmed;
    confirmed = true;
    lastRefusals = "";
    if (first) {
      LOG.warn(
          "[{}] etcd does not confirm my lease; failsafe: every member {} accepts me as leader",
          name,
          members.isEmpty()
              ? "(none: the failsafe key names me alone)"
              : FailsafeHeartbeats.names(members));
    }
  }

  // ------------------------------------------------------------------ the API's side

  /** A leader's heartbeat arrived over {@code POST /failsafe}. */
  FailsafeAnswer heartbeat(FailsafeRequest request) {
    PostgresStatus local = status;
    Optional<String> refusal =
        Failsafe.whyRefuseHeartbeat(name, request.leaderName(), runsReadWrite(local));
    if (refusal.isPresent()) {
      LOG.warn("[{}] refused failsafe heartbeat of ({}): {}", name, request.leaderName(), refusal);
      return FailsafeAnswer.refused(refusal.get());
    }
    FailsafeContact previous = contact;
    contact = new FailsafeContact(request.leaderName(), System.nanoTime());
    if (previous == null || !previous.leader().equals(request.leaderName())) {
      LOG.info(
          "[{}] accepted ({}) as leader over failsafe: not racing for the key while it confirms",
          name,
          request.leaderName());
    }
    Lsn lsn = local == null ? null : local.walPosition();
    return FailsafeAnswer.accepted(lsn == null ? 0 : lsn.value());
  }

  /**
   * Whether this leader runs on failsafe confirmations now: etcd stopped confirming its lease and
   * every member accepted it (Patroni's {@code failsafe_mode_is_active}). Shown from the first
   * round the members confirm, as Patroni shows it from its first loop without etcd, not only once
   * the lease itself has run out; the lease still counts as long as it lasts.
   */
  boolean isActive() {
    return Failsafe.confirmationsCover(true, confirmedUntil(), System.nanoTime());
  }

  static boolean runsReadWrite(PostgresStatus s) {
    return s != null && s.isReadWrite();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    heartbeats.close();
  }
}
