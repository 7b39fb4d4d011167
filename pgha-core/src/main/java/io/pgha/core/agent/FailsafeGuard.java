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
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * back. A refused round demotes at once ({@link FailsafeDemotion}: the fence, then a read-only
 * start), without waiting for the HA loop.
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
  private final Consumer<String> demote;
  private final BiConsumer<Map<String, Long>, DynamicConfig> leaderSlots;
  private final Function<DynamicConfig, Map<String, Long>> slotPositions;
  private final ScheduledExecutorService scheduler;
  private final DynamicConfig bootstrapConfig;
  private final PollWhile fenceChecks;
  private final PollWhile roundChecks;
  private volatile boolean started;
  private volatile DynamicConfig config;
  private volatile PostgresStatus status;
  private volatile Map<String, Long> permanentSlots = Map.of();
  private volatile long confirmedUntilNanos;
  private volatile long confirmedSinceNanos;
  private volatile boolean confirmed;
  private volatile long lastRoundNanos;
  private volatile boolean fenceDeferred;
  private volatile FailsafeContact contact;
  private volatile String lastRefusals = "";
  private volatile String refusal;
  private volatile long refusedRoundNanos;

  /**
   * @param fence stops PostgreSQL accepting writes (the agent's fencing reflex), given why
   * @param demote the refused leader's reflex: the fence, then PostgreSQL started read-only,
   *     following no one ({@link FailsafeDemotion}), given why
   * @param leaderSlots told the slot positions of each accepted heartbeat, with the configuration
   *     in effect (a replica moves its copies of the permanent logical slots forward)
   * @param slotPositions reads where this leader's permanent slots are now, for its heartbeats
   */
  FailsafeGuard(
      String name,
      Dcs dcs,
      DynamicConfig bootstrapConfig,
      FailsafeHeartbeats heartbeats,
      Consumer<String> fence,
      Consumer<String> demote,
      BiConsumer<Map<String, Long>, DynamicConfig> leaderSlots,
      Function<DynamicConfig, Map<String, Long>> slotPositions) {
    this.name = name;
    this.dcs = dcs;
    this.bootstrapConfig = bootstrapConfig;
    this.config = bootstrapConfig;
    this.heartbeats = heartbeats;
    this.fence = fence;
    this.demote = demote;
    this.leaderSlots = leaderSlots;
    this.slotPositions = slotPositions;
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

  /**
   * Adds what failsafe mode knows to the state a decision starts from. When the cycle could not
   * read etcd, the leader first asks its members at once, on the loop's thread (bounded by one
   * round's timeout), as Patroni's loop does on a DCS error: the decision then sees whether every
   * member accepted it, instead of a round that the guard's own schedule runs only later.
   *
   * @param etcdRead whether the cycle read its view from etcd
   */
  void contribute(LocalState.Builder b, DynamicConfig current, boolean etcdRead) {
    if (!current.failsafeMode()) {
      return;
    }
    if (!etcdRead) {
      roundAfterEtcdFailed();
    }
    if (confirmed) {
      b.failsafeConfirmedUntilNanos(confirmedUntilNanos);
    }
    FailsafeContact c = contact;
    if (c != null) {
      b.failsafeContact(c);
    }
    String r = refusal;
    if (r != null) {
      b.failsafeRefusal(r);
    }
  }

  /**
   * As soon as a cycle has observed its PostgreSQL: the positions of this leader's permanent slots
   * (empty on a replica), which the heartbeats carry to the replicas while etcd does not answer.
   * Not after the cycle: a cycle waiting on an etcd that does not answer ends seconds later.
   */
  void announceSlots(Map<String, Long> slots) {
    this.permanentSlots = Map.copyOf(slots);
  }

  /**
   * After each cycle: remembers what PostgreSQL is and the configuration in effect. (The leader
   * keeps the {@code failsafe} key through the decision's {@link
   * io.pgha.core.ha.ActionKind#FAILSAFE_KEY}.)
   *
   * <p>The rounds do not work from the cycle's view: a cycle blocked on an etcd that stopped
   * answering (each call waits out its timeout) ends only long after the outage began, and its view
   * may predate the {@code failsafe} key written just before. They read the last view etcd gave
   * ({@link #lastView}).
   */
  void afterCycle(DynamicConfig current, PostgresStatus local) {
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
    return currentConfig(lastView()).failsafeMode();
  }

  /**
   * The last view etcd gave (its watch and every read): it knows the {@code failsafe} key and the
   * configuration the moment etcd served them, whether or not a cycle has ended since.
   */
  private ClusterView lastView() {
    return dcs.view();
  }

  /**
   * The configuration in effect in {@code view}; the last cycle's (or the bootstrap one) before.
   */
  private DynamicConfig currentConfig(ClusterView view) {
    DynamicConfig c = config;
    return view.config().orElse(c == null ? bootstrapConfig : c);
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

  /** A round now if this member leads read-write and none ran within a round interval. */
  private synchronized void roundAfterEtcdFailed() {
    try {
      ClusterView view = lastView();
      DynamicConfig c = currentConfig(view);
      long now = System.nanoTime();
      if (!c.failsafeMode() || !view.isLeader(name) || !runsReadWrite(status)) {
        return;
      }
      runRoundUnlessRecent(view, c, now);
    } catch (RuntimeException e) {
      LOG.error("[{}] failsafe round failed", name, e);
    }
  }

  /** A round, unless one started within the round interval, {@code min(loop_wait, ttl/4)}. */
  private void runRoundUnlessRecent(ClusterView view, DynamicConfig c, long nowNanos) {
    long ttl = TimeUnit.SECONDS.toNanos(c.ttl());
    long interval = Math.min(TimeUnit.SECONDS.toNanos(c.loopWait()), ttl / 4);
    if (lastRoundNanos != 0 && nowNanos - lastRoundNanos < interval) {
      return;
    }
    lastRoundNanos = nowNanos;
    runRound(view, c);
  }

  private synchronized void maybeRunRound() {
    try {
      ClusterView view = lastView();
      DynamicConfig c = currentConfig(view);
      long now = System.nanoTime();
      LeaseStatus lease = dcs.leaseStatus();
      forgetRefusalOnceEtcdConfirms(c, lease);
      boolean leading = view.isLeader(name) && runsReadWrite(status);
      long lastSend = lease.leaseId() == 0 || fenceDeferred ? 0 : lease.lastConfirmedSendNanos();
      if (!Failsafe.heartbeatDue(
          c.failsafeMode(), leading, lastSend, Failsafe.heartbeatDueAfterNanos(c), now)) {
        if (confirmed && dcs.holdsLeadership() && !fenceDeferred) {
          confirmed = false;
          LOG.info("[{}] etcd confirms my lease again: failsafe confirmations end", name);
        }
        return;
      }
      runRoundUnlessRecent(view, c, now);
    } catch (RuntimeException e) {
      LOG.error("[{}] failsafe round failed", name, e);
    }
  }

  private void runRound(ClusterView view, DynamicConfig c) {
    long ttlNanos = TimeUnit.SECONDS.toNanos(c.ttl());
    Map<String, String> members = Failsafe.membersToConfirm(view, name);
    if (members.isEmpty() && Failsafe.aloneInFailsafeKey(view, name)) {
      accepted(System.nanoTime(), ttlNanos, members);
      return;
    }
    if (members.isEmpty()) {
      // Nobody to ask would confirm anything: a view that lost every other member key (their
      // leases expired in the same outage) must not keep a leader that may be cut off from a
      // majority that can elect another one.
      LOG.warn("[{}] failsafe: no other member is known to confirm me as leader", name);
      refused(System.nanoTime(), "no other member is known to confirm me", c);
      return;
    }
    Duration timeout = Duration.ofNanos(Math.min(TimeUnit.SECONDS.toNanos(2), ttlNanos / 4));
    FailsafeHeartbeats.Round round = heartbeats.confirm(members, timeout, slotsNow(c));
    if (round.allAccepted()) {
      accepted(round.startedNanos(), ttlNanos, members);
    } else {
      LOG.warn(
          "[{}] failsafe: {} of {} members did not accept me as leader: {}",
          name,
          round.refusals().size(),
          members.size(),
          round.refusals());
      refused(round.startedNanos(), "not confirmed by " + round.refusals(), c);
    }
  }

  /**
   * The positions of the permanent slots for a heartbeat: read now while PostgreSQL runs
   * read-write, else (or when the read fails) the last the HA loop observed.
   */
  private Map<String, Long> slotsNow(DynamicConfig c) {
    if (!runsReadWrite(status)) {
      return permanentSlots;
    }
    try {
      return slotPositions.apply(c);
    } catch (RuntimeException e) {
      LOG.debug(
          "[{}] could not read the permanent slots for the heartbeat: {}", name, e.getMessage());
      return permanentSlots;
    }
  }

  /**
   * A round that not every member accepted, while etcd did not confirm the lease: as Patroni, the
   * leader does not wait for its lease's deadline but demotes now: the fence, then PostgreSQL
   * started read-only following no one ({@link FailsafeDemotion}, what the decision decides for a
   * refused leader, done here because the HA loop may be waiting on etcd; paused, the fence only,
   * as before: nothing is started automatically then). The decision keeps PostgreSQL read-only
   * ({@link io.pgha.core.ha.LocalState#failsafeRefusal}) until etcd confirms a renewal sent after
   * this round. Earlier confirmations end here too. Nothing more while etcd confirmed the lease
   * within {@link Failsafe#heartbeatDueAfterNanos} (a round after one failed read of the loop, the
   * lease renewed meanwhile): the lease covers this member.
   */
  private void refused(long roundStartNanos, String why, DynamicConfig c) {
    lastRefusals = why;
    confirmed = false;
    LeaseStatus lease = dcs.leaseStatus();
    long lastSend = lease.leaseId() == 0 ? 0 : lease.lastConfirmedSendNanos();
    if (!Failsafe.refusalDemotes(lastSend, roundStartNanos, Failsafe.heartbeatDueAfterNanos(c))) {
      return;
    }
    refusedRoundNanos = roundStartNanos;
    refusal = why;
    String reason = "failsafe mode: etcd does not confirm my lease and " + why;
    if (c.pause()) {
      fence.accept(reason);
    } else {
      demote.accept(reason);
    }
  }

  /** Ends a refusal once etcd confirms a renewal sent after it, or failsafe mode is off. */
  private void forgetRefusalOnceEtcdConfirms(DynamicConfig c, LeaseStatus lease) {
    if (refusal == null) {
      return;
    }
    if (!c.failsafeMode()
        || (lease.leaseId() != 0 && lease.lastConfirmedSendNanos() - refusedRoundNanos > 0)) {
      refusal = null;
      LOG.info(
          "[{}] etcd confirms my lease again: the failsafe refusal no longer keeps me read-only",
          name);
    }
  }

  private void accepted(long startedNanos, long ttlNanos, Map<String, String> members) {
    long until = Failsafe.confirmedUntil(startedNanos, ttlNanos);
    if (!confirmed || until - confirmedUntilNanos > 0) {
      confirmedSinceNanos = startedNanos;
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
    contact = new FailsafeContact(request.leaderName(), System.nanoTime(), request.slots());
    if (previous == null || !previous.leader().equals(request.leaderName())) {
      LOG.info(
          "[{}] accepted ({}) as leader over failsafe: not racing for the key while it confirms",
          name,
          request.leaderName());
    }
    leaderSlots.accept(request.slots(), currentConfig(lastView()));
    Lsn lsn = local == null ? null : local.walPosition();
    return FailsafeAnswer.accepted(lsn == null ? 0 : lsn.value());
  }

  /**
   * Whether this leader runs on failsafe confirmations now: etcd stopped confirming its lease and
   * every member accepted it. Shown from the first round the members confirm, as Patroni shows it
   * from its first loop without etcd, not only once the lease itself has run out; the lease still
   * counts as long as it lasts.
   */
  boolean leadsOnConfirmations() {
    return Failsafe.confirmationsCover(true, confirmedUntil(), System.nanoTime());
  }

  /**
   * Patroni's {@code failsafe_mode_is_active}: on the leader, {@link #leadsOnConfirmations}; on any
   * other member, that it accepted a leader's failsafe heartbeat within the last ttl (Patroni's
   * replicas report the same, from the leader's last {@code POST /failsafe}). Only reported: what a
   * replica accepted never makes it a leader.
   */
  boolean isActive() {
    if (leadsOnConfirmations()) {
      return true;
    }
    FailsafeContact c = contact;
    DynamicConfig current = currentConfig(lastView());
    return c != null
        && current.failsafeMode()
        && !dcs.holdsLeadership()
        && System.nanoTime() - c.receivedAtNanos() < TimeUnit.SECONDS.toNanos(current.ttl());
  }

  /**
   * When the last complete round of confirmations started, while the rounds cover this member;
   * empty otherwise. The members that confirmed do not race for the key for a ttl after they
   * answered, which was after that instant (the watchdog's keep-alives count from it).
   */
  OptionalLong confirmedSinceNanos() {
    return Failsafe.confirmationsCover(failsafeMode(), confirmedUntil(), System.nanoTime())
        ? OptionalLong.of(confirmedSinceNanos)
        : OptionalLong.empty();
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
