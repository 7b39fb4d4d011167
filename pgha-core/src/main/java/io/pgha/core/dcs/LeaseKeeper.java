package io.pgha.core.dcs;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one member's lease alive and knows, on the monotonic clock, until when it can count on it.
 *
 * <p>The rule: etcd can expire a lease no earlier than TTL after it accepted the last keep-alive,
 * which it cannot have accepted before we sent it. So from the send time {@code s} of a confirmed
 * keep-alive, the lease is alive until at least {@code s + ttl}; we count on it only until {@code s
 * + ttl - margin}. Keep-alives are sent one by one with {@code keepAliveOnce} on our own schedule
 * (while this member leads and a fast takeover may depose it, every {@value #RENEW_INTERVAL_MILLIS}
 * ms on the fast path and every {@value #RELAXED_RENEW_INTERVAL_MILLIS} ms otherwise; every ttl /
 * {@value #IDLE_RENEWALS_PER_TTL} while no fast takeover can depose it, or it does not lead), so
 * every send time is known exactly; jetcd's streaming keep-alive hides them, and completes silently
 * when its own deadline passes.
 *
 * <p>One thread, woken only when there is something to do: at the next renewal, or at the lease
 * deadline if that comes first (to report it the moment it passes), or at once when a lease is
 * granted or this member starts to lead ({@link #wakeNow}). An idle member's keeper wakes once per
 * renewal and nothing else runs for it between them; a renewal that gets no answer is given up
 * after a ttl, at the first wake-up past it.
 *
 * <p>Traps handled: a keep-alive answered with TTL &lt;= 0 (or "lease not found") means the lease
 * is gone, not renewed; a call that never answers simply does not confirm anything; the calls carry
 * etcd's require-leader flag, so an etcd member cut off from its quorum answers with an error
 * instead of a renewal.
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  /**
   * How often the lease is renewed while this member leads and the fast path is on, whatever the
   * ttl: a synchronous standby reads the leader's lease to tell a silent leader from a live one
   * within {@code leader_silence_timeout} (see {@code FastTakeover}), which needs renewals well
   * within etcd's one-second resolution. A renewal costs etcd no raft write, and a deadline counted
   * from a recent renewal is later, never earlier.
   */
  static final long RENEW_INTERVAL_MILLIS = 250;

  /**
   * How often while this member leads, the fast path is off and yet a fast takeover may depose it
   * (a {@code sync} key naming a standby under its name: the standby may see the fast path on a
   * moment before the leader does): the leader's health checks then need a confirmation within
   * {@code leader_silence_timeout} (2 s by default), which four renewals per bound still give on a
   * slow etcd.
   */
  static final long RELAXED_RENEW_INTERVAL_MILLIS = 500;

  /**
   * A member that does not lead renews its lease this many times per ttl (every 6 s at ttl 30, 2 s
   * at ttl 10, about Patroni's once per {@code loop_wait}), never more often than the leader does.
   * Nobody watches the silence of its lease, which only has to outlive the member's key: renewing
   * it as often as the leader would triple the keep-alives a cluster sends etcd for nothing (the
   * fleet benchmark, scale.md), and each costs an idle agent CPU. The deadline (send + ttl - ttl /
   * 4) still leaves room for three lost renewals, and a member that takes the leader key over is
   * renewed at the leader's pace from then on (it wakes the keeper, see {@link #wakeNow}).
   *
   * <p>A leader that no fast takeover can depose renews at this pace too: only the lease's expiry
   * (or an operator's delete) can then take the key without its consent, so nobody needs to see its
   * lease fresh and its health checks count a confirmation for the ttl less the margin (see
   * fencing.md, "A leader no fast takeover can depose").
   */
  static final int IDLE_RENEWALS_PER_TTL = 5;

  private static final int MAX_IN_FLIGHT = 3;

  /** What the keeper tells its owner. */
  interface Events {
    /** The deadline passed without a confirmed renewal. */
    void deadlinePassed(LeaseStatus status, long nowNanos);

    /** etcd says the lease no longer exists. */
    void leaseGone(long leaseId, long nowNanos);

    /**
     * etcd confirmed a renewal of {@code leaseId} sent at {@code sentNanos}. Called on a thread of
     * etcd's client: must not block.
     */
    void renewed(long leaseId, long sentNanos);
  }

  private final Lease leases;
  private final KeepAliveStream stream;
  private final String member;
  private final Duration requestTimeout;
  private final Events events;
  private final BooleanSupplier leading;
  private final BooleanSupplier relaxed;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<LeaseStatus> status = new AtomicReference<>(LeaseStatus.NONE);
  private final AtomicInteger inFlight = new AtomicInteger();
  // The renewals sent and not answered yet, oldest first; touched on the keeper's thread only.
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final Object wakeLock = new Object();
  private ScheduledFuture<?> nextWake; // guarded by wakeLock; null while a wake-up runs
  private long nextWakeNanos; // guarded by wakeLock
  private volatile Duration ttl;
  private volatile Duration margin;
  private volatile long reportedDeadline;
  private volatile long renewIntervalMillis = RENEW_INTERVAL_MILLIS;
  // Long ago, so that the first tick sends (System.nanoTime() may be any value, even negative).
  private volatile long lastTickSendNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile boolean closed;

  LeaseKeeper(
      Lease leases,
      KeepAliveStream stream,
      String member,
      Duration ttl,
      Duration margin,
      Duration requestTimeout,
      Events events,
      BooleanSupplier leading,
      BooleanSupplier relaxed) {
    this.leases = leases;
    this.stream = stream;
    this.leading = leading;
    this.relaxed = relaxed;
    this.member = member;
    this.ttl = ttl;
    this.margin = margin;
    this.requestTimeout = requestTimeout;
    this.events = events;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-lease-" + member);
              t.setDaemon(true);
              return t;
            });
    wakeAt(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RENEW_INTERVAL_MILLIS));
  }

  private record Pending(CompletableFuture<LeaseKeepAliveResponse> call, long sentNanos) {}

  /**
   * While leading and a fast takeover may depose this member: renews every {@value
   * #RENEW_INTERVAL_MILLIS} ms when {@code fast} (the fast path is on), every {@value
   * #RELAXED_RENEW_INTERVAL_MILLIS} ms otherwise; from the next renewal on.
   */
  void renewFast(boolean fast) {
    renewIntervalMillis = fast ? RENEW_INTERVAL_MILLIS : RELAXED_RENEW_INTERVAL_MILLIS;
  }

  /**
   * Wakes the keeper now: a lease just granted, or leadership just taken, is renewed at its pace
   * and watched from now on instead of from the next wake-up planned for the state before.
   */
  void wakeNow() {
    wakeAt(System.nanoTime());
  }

  /** Plans a wake-up at {@code atNanos}, unless one is planned no later than that. */
  private void wakeAt(long atNanos) {
    synchronized (wakeLock) {
      if (closed) {
        return;
      }
      if (nextWake != null) {
        if (nextWakeNanos - atNanos <= 0) {
          return;
        }
        nextWake.cancel(false);
      }
      nextWakeNanos = atNanos;
      try {
        nextWake =
            scheduler.schedule(
                this::wake, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        nextWake = null; // closed meanwhile
      }
    }
  }

  private void wake() {
    synchronized (wakeLock) {
      // From here on a wakeNow() plans a new wake-up, which this one's plan does not replace.
      nextWake = null;
    }
    long now = System.nanoTime();
    long next = now + TimeUnit.MILLISECONDS.toNanos(RENEW_INTERVAL_MILLIS);
    try {
      next = renewAndWatch(now);
    } catch (RuntimeException e) {
      LOG.error("[{}] lease keeper failed", member, e);
    }
    wakeAt(next);
  }

  /** Renews if due, reports a passed deadline; returns when to wake next. */
  private long renewAndWatch(long now) {
    giveUpUnanswered(now);
    long interval = leading.getAsBoolean() ? leaderIntervalNanos() : idleIntervalNanos();
    if (now - lastTickSendNanos >= interval) {
      send(now);
    }
    LeaseStatus s = status.get();
    watch(s, now);
    long next = lastTickSendNanos + interval;
    if (next - now <= 0) {
      next = now + interval; // nothing sent (no lease, too many unanswered): try again later
    }
    if (s.isValidAt(now) && s.deadlineNanos() - next < 0) {
      // Waking a little after the deadline finds it passed; before it, not.
      next = s.deadlineNanos() + TimeUnit.MILLISECONDS.toNanos(1);
    }
    return next;
  }

  LeaseStatus status() {
    return status.get();
  }

  /**
   * Whether etcd confirmed a renewal of the current lease sent within {@code within} of now: the
   * lease then lives at least {@code ttl - within} from now, as if a keep-alive were sent now.
   */
  boolean renewedWithin(Duration within) {
    LeaseStatus s = status.get();
    long now = System.nanoTime();
    return s.leaseId() != 0
        && s.isValidAt(now)
        && now - s.lastConfirmedSendNanos() < within.toNanos();
  }

  Duration ttl() {
    return ttl;
  }

  /** A lease that is valid now, granted first if there is none (or it is gone). */
  long ensureLease() throws DcsException {
    LeaseStatus s = status.get();
    if (s.leaseId() != 0 && s.isValidAt(System.nanoTime())) {
      return s.leaseId();
    }
    if (s.leaseId() != 0) {
      // Not confirmed lately: maybe only slow. Confirm it rather than leak a second lease.
      try {
        keepAliveNow();
        return status.get().leaseId();
      } catch (DcsException e) {
        if (status.get().leaseId() != 0) {
          throw e;
        }
        // etcd answered that the lease is gone: a new one is the only way on.
      }
    }
    return grant();
  }

  /** Grants a fresh lease and makes it current; the previous one is returned (0 if none). */
  long grant() throws DcsException {
    long sent = System.nanoTime();
    LeaseGrantResponse r =
        EtcdCalls.await(
            leases.grant(ttl.toSeconds()), requestTimeout, "granting a lease for " + member);
    if (r.getTTL() <= 0) {
      throw new DcsException("etcd granted lease " + r.getID() + " with TTL " + r.getTTL());
    }
    LeaseStatus granted = confirmed(r.getID(), r.getTTL(), sent);
    status.set(granted);
    wakeNow();
    LOG.info("[{}] lease {} granted, ttl {}s", member, Long.toHexString(r.getID()), r.getTTL());
    // The first keep-alive of a client opens a stream, which can be slow in a cold JVM: do it
    // now, before anything depends on the lease.
    try {
      keepAliveNow();
    } catch (DcsException e) {
      LOG.debug("[{}] first keep-alive: {}", member, e.getMessage());
    }
    return granted.leaseId();
  }

  /** Sends a keep-alive now and waits for it; throws if it is not confirmed. */
  void keepAliveNow() throws DcsException {
    LeaseStatus s = status.get();
    if (s.leaseId() == 0) {
      throw new DcsException("member " + member + " has no lease to keep alive");
    }
    long sent = System.nanoTime();
    LeaseKeepAliveResponse r;
    try {
      r = EtcdCalls.await(sendKeepAlive(s.leaseId(), sent), requestTimeout, "lease keep-alive");
    } catch (DcsException e) {
      if (isNotFound(e.getCause())) {
        gone(s.leaseId(), "etcd no longer knows it");
      }
      throw e;
    }
    if (!accept(s.leaseId(), r, sent)) {
      throw new DcsException("lease " + Long.toHexString(s.leaseId()) + " has expired in etcd");
    }
  }

  /**
   * {@link #keepAlive}, with a failure to send (a stream that cannot be opened on a channel that is
   * down) as a failed answer: every failure of an etcd call is a {@link DcsException}, which the HA
   * loop takes for etcd not answering, not for a renewal etcd refused.
   */
  private CompletableFuture<LeaseKeepAliveResponse> sendKeepAlive(long leaseId, long sentNanos) {
    try {
      return keepAlive(leaseId, sentNanos);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId, long sentNanos) {
    return stream.ready() ? stream.keepAlive(leaseId, sentNanos) : leases.keepAliveOnce(leaseId);
  }

  /** Starts using a new TTL: grants a new lease and returns the old lease id (0 if none). */
  long replace(Duration newTtl, Duration newMargin) throws DcsException {
    long old = status.get().leaseId();
    ttl = newTtl;
    margin = newMargin;
    grant();
    return old;
  }

  /** Revokes {@code leaseId} in the background (best effort). */
  void revokeQuietly(long leaseId) {
    if (leaseId != 0) {
      leases
          .revoke(leaseId)
          .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (r, t) -> {
                if (t != null) {
                  LOG.debug("[{}] revoking lease {}: {}", member, Long.toHexString(leaseId), t);
                }
              });
    }
  }

  private void send(long sent) {
    LeaseStatus s = status.get();
    if (closed || s.leaseId() == 0 || inFlight.get() >= MAX_IN_FLIGHT) {
      return;
    }
    lastTickSendNanos = sent;
    long lease = s.leaseId();
    inFlight.incrementAndGet();
    CompletableFuture<LeaseKeepAliveResponse> call;
    try {
      call = keepAlive(lease, sent);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      LOG.debug("[{}] keep-alive not sent: {}", member, e.toString());
      return;
    }
    pending.addLast(new Pending(call, sent));
    call.whenComplete(
        (r, t) -> {
          inFlight.decrementAndGet();
          if (t != null) {
            if (isNotFound(t)) {
              gone(lease, "etcd no longer knows it");
            } else {
              LOG.debug(
                  "[{}] keep-alive of lease {} failed: {}",
                  member,
                  Long.toHexString(lease),
                  t.toString());
            }
            return;
          }
          accept(lease, r, sent);
        });
  }

  /**
   * Gives up the renewals unanswered for a ttl: their answer could confirm nothing useful any more,
   * and each holds one of the {@value #MAX_IN_FLIGHT} places. (Instead of a timer per call, which
   * would wake a thread of its own twice per renewal.)
   */
  private void giveUpUnanswered(long now) {
    long ttlNanos = ttl.toNanos();
    while (!pending.isEmpty()) {
      Pending p = pending.peekFirst();
      if (p.call().isDone()) {
        pending.removeFirst();
      } else if (now - p.sentNanos() >= ttlNanos) {
        pending.removeFirst();
        p.call().completeExceptionally(new TimeoutException("no answer within the ttl " + ttl));
      } else {
        return;
      }
    }
  }

  /**
   * How often the leader renews now: at the idle pace while no fast takeover can depose it ({@code
   * relaxed}), else at the pace {@link #renewFast} set.
   */
  long leaderIntervalNanos() {
    return relaxed.getAsBoolean()
        ? idleIntervalNanos()
        : TimeUnit.MILLISECONDS.toNanos(renewIntervalMillis);
  }

  /** How often a member that does not lead renews: ttl / 5, at least the fast interval. */
  private long idleIntervalNanos() {
    return Math.max(
        TimeUnit.MILLISECONDS.toNanos(RENEW_INTERVAL_MILLIS),
        ttl.toNanos() / IDLE_RENEWALS_PER_TTL);
  }

  /** Records a keep-alive answer; false if it says the lease is gone. */
  private boolean accept(long lease, LeaseKeepAliveResponse r, long sent) {
    if (r.getTTL() <= 0) {
      gone(lease, "a keep-alive was answered with TTL " + r.getTTL());
      return false;
    }
    LeaseStatus next = confirmed(lease, r.getTTL(), sent);
    status.updateAndGet(
        cur ->
            cur.leaseId() == lease && next.deadlineNanos() - cur.deadlineNanos() > 0 ? next : cur);
    if (status.get().leaseId() != lease) {
      return false;
    }
    events.renewed(lease, sent);
    return true;
  }

  private LeaseStatus confirmed(long lease, long ttlSeconds, long sentNanos) {
    long deadline = sentNanos + TimeUnit.SECONDS.toNanos(ttlSeconds) - margin.toNanos();
    return new LeaseStatus(lease, ttlSeconds, sentNanos, deadline);
  }

  private void gone(long lease, String why) {
    LeaseStatus s = status.get();
    if (s.leaseId() == lease && status.compareAndSet(s, LeaseStatus.NONE)) {
      LOG.warn("[{}] lease {} is gone: {}", member, Long.toHexString(lease), why);
      events.leaseGone(lease, System.nanoTime());
    }
  }

  /** Reports a deadline that passed (once per deadline). */
  private void watch(LeaseStatus s, long now) {
    if (s.leaseId() != 0 && !s.isValidAt(now) && reportedDeadline != s.deadlineNanos()) {
      reportedDeadline = s.deadlineNanos();
      LOG.warn(
          "[{}] lease {} not confirmed since {}ms ago; its deadline passed",
          member,
          Long.toHexString(s.leaseId()),
          TimeUnit.NANOSECONDS.toMillis(now - s.lastConfirmedSendNanos()));
      events.deadlinePassed(s, now);
    }
  }

  private static boolean isNotFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains("requested lease not found")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    synchronized (wakeLock) {
      closed = true;
    }
    scheduler.shutdownNow();
    stream.close();
  }
}
