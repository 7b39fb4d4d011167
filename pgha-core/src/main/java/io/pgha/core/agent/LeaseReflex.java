package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fencing reflex: stops a read-write PostgreSQL the moment this member can no longer count on
 * its leadership, without waiting for the HA loop, and makes the loop wait for it.
 *
 * <p>Three ways in, one fence ({@link ActionExecutor#fence}, which takes no lock): the DCS tells
 * {@link #leadershipLost}; failsafe mode hands over a fence it deferred, or one a refused round
 * asks for ({@link #fence}, through {@link FailsafeDemotion}); and a watcher of its own checks
 * whether the lease deadline (on {@link System#nanoTime()}) of the leadership it last saw has
 * passed. The watcher is for the host that was frozen (SIGSTOP, a long pause) past its deadline: it
 * sleeps until that deadline (a renewal moves it later: it looks again then), so it notices on its
 * own the moment the host wakes, whatever etcd says or how late etcd's answers come. While this
 * member does not lead, it looks every {@value #UNARMED_CHECK_MILLIS} ms whether it has started to
 * (the lease keeper watches a new leader's deadline meanwhile, and tells through {@link
 * #leadershipLost}).
 *
 * <p>The HA loop calls {@link #beforeCycle} first thing in every cycle, before it reads etcd: it
 * makes the same check on the loop's thread and then waits (bounded) for every fence already asked
 * for, so that a thawed leader fences before its loop acts on anything.
 */
final class LeaseReflex implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReflex.class);
  private static final long UNARMED_CHECK_MILLIS = 500;

  private final String name;
  private final Dcs dcs;
  private final FailsafeGuard failsafe;
  private final Predicate<String> fence;
  private final Duration fenceBound;
  private final ExecutorService fences;
  private final ScheduledExecutorService watcher;
  private long leadingUntilNanos;
  private boolean armed;
  // What the last fence asked for completes with; done when none is queued or running.
  private volatile CompletableFuture<Boolean> lastFence = CompletableFuture.completedFuture(false);

  /**
   * @param fence stops PostgreSQL if it runs read-write, given why; true when it stopped one
   * @param fenceBound how long a fence may take at most (the loop waits no longer for one)
   */
  LeaseReflex(
      String name, Dcs dcs, FailsafeGuard failsafe, Predicate<String> fence, Duration fenceBound) {
    this.name = name;
    this.dcs = dcs;
    this.failsafe = failsafe;
    this.fence = fence;
    this.fenceBound = fenceBound;
    this.fences = Executors.newSingleThreadExecutor(daemon("pgha-fence-" + name));
    this.watcher = Executors.newSingleThreadScheduledExecutor(daemon("pgha-lease-watch-" + name));
  }

  void start() {
    watchIn(UNARMED_CHECK_MILLIS);
  }

  private void watch() {
    check("the lease watcher");
    long delayMillis = UNARMED_CHECK_MILLIS;
    synchronized (this) {
      if (armed) {
        // Round up: waking a little after the deadline finds it passed; before it, not.
        long untilDeadline = leadingUntilNanos - System.nanoTime();
        delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(untilDeadline) + 1);
      }
    }
    watchIn(delayMillis);
  }

  private void watchIn(long delayMillis) {
    try {
      watcher.schedule(this::watch, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** The DCS says leadership is lost: fence now (unless failsafe mode covers this member). */
  void leadershipLost(String reason) {
    String why = "leadership lost: " + reason;
    if (!failsafe.deferFencing(why)) {
      fence(why);
    }
  }

  /**
   * Fences on the reflex thread; returns at once, with what completes once the fence ran: whether
   * it stopped a PostgreSQL (false too when the agent is stopping or the fence failed).
   */
  CompletableFuture<Boolean> fence(String why) {
    CompletableFuture<Boolean> stopped = new CompletableFuture<>();
    // One thread runs the fences in order: waiting for the last one asked for waits for them all.
    lastFence = stopped;
    try {
      fences.execute(
          () -> {
            synchronized (this) {
              // This leadership is fenced: the watcher need not fence it again.
              armed = false;
              stopped.complete(runFence(why));
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("[{}] fence not run: stopping", name);
      stopped.complete(false);
    }
    return stopped;
  }

  /**
   * On the HA loop's thread before anything else in a cycle: fences if the lease deadline passed,
   * then waits for the fences already asked for (at most the fence bound).
   */
  void beforeCycle() {
    check("the HA loop, before its cycle");
    CompletableFuture<Boolean> last = lastFence;
    if (last.isDone()) {
      // Nothing asked for is still to run: no hand-over to the fence thread (twice per cycle).
      return;
    }
    try {
      last.get(fenceBound.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // stopping
    } catch (TimeoutException e) {
      LOG.warn("[{}] a fence is still running after {}; the HA cycle goes on", name, fenceBound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Remembers the deadline of the leadership held now (or, while the leader key is vacated, until
   * when it may be created again); once it is not held and that deadline has passed, fences (once).
   * Leadership that ended before its deadline (released, or the key taken, which the DCS reports
   * itself) is forgotten. Synchronized so that a check that waits for another one's fence waits for
   * that fence too, and a fence that follows another finds nothing left to stop.
   */
  private synchronized void check(String by) {
    try {
      if (dcs.holdsLeadership()) {
        leadingUntilNanos = dcs.leaseStatus().deadlineNanos();
        armed = true;
        return;
      }
      // A leader key deleted under us stays ours to create again until this instant; past it the
      // DCS ends leadership itself (its listeners fence), and the check below fences anyway.
      OptionalLong vacated = dcs.leaderKeyVacatedUntilNanos();
      if (vacated.isPresent()) {
        leadingUntilNanos = vacated.getAsLong();
        armed = true;
        return;
      }
      if (!armed) {
        return;
      }
      armed = false;
      long late = System.nanoTime() - leadingUntilNanos;
      if (late < 0) {
        return;
      }
      String why =
          "my lease deadline passed "
              + TimeUnit.NANOSECONDS.toMillis(late)
              + " ms ago (seen by "
              + by
              + ")";
      LOG.warn("[{}] {}", name, why);
      if (!failsafe.deferFencing(why)) {
        runFence(why);
      }
    } catch (RuntimeException e) {
      LOG.error("[{}] lease check failed", name, e);
    }
  }

  private boolean runFence(String why) {
    try {
      return fence.test(why);
    } catch (RuntimeException e) {
      LOG.error("[{}] fencing failed", name, e);
      return false;
    }
  }

  private static ThreadFactory daemon(String threadName) {
    return r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    fences.shutdownNow();
    lastFence.complete(false); // a fence shut down before it ran will not complete it
  }
}
