package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.LeaseTimeToLive;
import io.pgha.core.ha.LeaderLease;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Leader;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a synchronous standby with the fast takeover on: reads the leader's lease from etcd every
 * {@value #POLL_MILLIS} ms once a reading shows it unrenewed for a second, every {@value
 * #FRESH_POLL_MILLIS} ms while it reads freshly renewed (much more often than {@code loop_wait}),
 * and wakes the HA loop as soon as it has gone silent for {@code leader_silence_timeout}. It only
 * observes: what it read is part of the loop's observation ({@link LeaderLease}), and {@code
 * HaDecider} decides.
 *
 * <p>Which lease to read is set after every cycle from the view ({@link #track}): only a member
 * named in the {@code sync} key of another leader, in a mode where the fast path is on, reads
 * anything. A reading that fails (etcd unreachable, no quorum: the calls carry etcd's
 * require-leader flag) changes nothing, and the last one ages until the decision no longer trusts
 * it. Each call is bounded by the request timeout, and the next one waits for it. While nothing is
 * tracked the thread sleeps: polling starts when a lease is tracked and stops when none is.
 */
final class LeaderSilenceWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderSilenceWatch.class);
  static final long POLL_MILLIS = 250;

  /**
   * The period while the last reading showed the lease renewed within the last second (etcd's
   * resolution) and {@code leader_silence_timeout} is 2 s or more. It costs no time in telling a
   * silent leader: etcd rounds the time left down to whole seconds, so a leader last renewed at
   * {@code t0} reads fresh until {@code t0 + 1 s} and a reading shows it silent for {@code
   * leader_silence_timeout} from {@code t0 + leader_silence_timeout} on. A reading taken less than
   * a second after the last fresh one is taken by {@code t0 + 2 s}: the first stale one, after
   * which the readings are every {@value #POLL_MILLIS} ms, as they were throughout. Less than a
   * second, for the time a reading takes. Three calls in four saved while the leader is alive,
   * which is nearly always. (With a silence of 1 s the first stale reading already shows it: no
   * slowing.)
   */
  static final long FRESH_POLL_MILLIS = 750;

  /** While the leader stays silent, the loop is woken at most this often. */
  private static final long WAKE_EVERY_MILLIS = 500;

  /** The lease to read and after how long without renewal the loop is woken. */
  record Target(long leaseId, String leader, long silenceNanos) {}

  private final String name;
  private final Dcs dcs;
  private final ScheduledExecutorService poller;
  private final AtomicReference<Target> target = new AtomicReference<>();
  private final AtomicReference<LeaderLease> last = new AtomicReference<>();
  private final PollWhile polls;
  private volatile boolean started;
  private volatile Runnable wake = () -> {};
  private long lastWakeNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  LeaderSilenceWatch(String name, Dcs dcs) {
    this.name = name;
    this.dcs = dcs;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-leader-silence-" + name);
              t.setDaemon(true);
              return t;
            });
    this.polls =
        new PollWhile(
            poller,
            () -> {
              Target t = target.get();
              return t == null ? POLL_MILLIS : periodMillisAfter(current(), t.silenceNanos());
            },
            () -> started && target.get() != null,
            this::poll);
  }

  /**
   * Starts watching (reading nothing until {@link #track} names a lease); wakes with {@code wake}.
   */
  void start(Runnable wakeUp) {
    this.wake = wakeUp;
    started = true;
    polls.start();
  }

  /**
   * Sets what to read from what the cycle saw: the leader's lease, when another member leads, the
   * fast path is on and the {@code sync} key of that leader names us; nothing otherwise.
   */
  void track(ClusterView view, DynamicConfig config) {
    Target next = targetOf(view, config, name).orElse(null);
    Target before = target.getAndSet(next);
    polls.start();
    if (next != null && (before == null || before.leaseId() != next.leaseId())) {
      LOG.info(
          "[{}] watching the lease of ({}) as its synchronous standby, for a silence of {}s",
          name,
          next.leader(),
          config.leaderSilenceTimeout());
    } else if (next == null && before != null) {
      LOG.info("[{}] no longer watching the lease of ({})", name, before.leader());
    }
  }

  /**
   * The lease {@code me} reads: the leader's, when another member leads on a lease, the fast path
   * is on and the {@code sync} key of that leader names {@code me}; empty otherwise.
   */
  static Optional<Target> targetOf(ClusterView view, DynamicConfig config, String me) {
    Optional<Leader> leader = view.leader().filter(l -> !l.isHeldBy(me) && l.lease() != 0);
    boolean standby =
        leader.isPresent()
            && config.fastTakeoverEnabled()
            && view.sync()
                .filter(s -> s.leader().filter(leader.get().name()::equals).isPresent())
                .filter(s -> s.isSyncStandby(me))
                .isPresent();
    return standby
        ? Optional.of(
            new Target(
                leader.get().lease(),
                leader.get().name(),
                config.leaderSilenceTimeoutDuration().toNanos()))
        : Optional.empty();
  }

  /** The last reading of the lease tracked now; empty when none is tracked or read yet. */
  Optional<LeaderLease> current() {
    Target t = target.get();
    LeaderLease l = last.get();
    return t != null && l != null && l.leaseId() == t.leaseId() ? Optional.of(l) : Optional.empty();
  }

  /**
   * How long to wait before the next reading, after {@code last} (the last reading of the lease
   * tracked now), for a silence of {@code silenceNanos}: {@value #FRESH_POLL_MILLIS} ms when it
   * showed the lease freshly renewed and the silence is 2 s or more, {@value #POLL_MILLIS} ms
   * otherwise (no reading yet, one that found it unrenewed for a second, a silence of 1 s).
   */
  static long periodMillisAfter(Optional<LeaderLease> last, long silenceNanos) {
    boolean fresh = last.filter(l -> l.renewedBeforeNanos().isEmpty()).isPresent();
    return fresh && silenceNanos >= TimeUnit.SECONDS.toNanos(2) ? FRESH_POLL_MILLIS : POLL_MILLIS;
  }

  private void poll() {
    Target t = target.get();
    if (t == null) {
      return;
    }
    long asked = System.nanoTime();
    LeaseTimeToLive ttl;
    try {
      ttl = dcs.leaseTimeToLive(t.leaseId());
    } catch (DcsException | RuntimeException e) {
      LOG.debug("[{}] could not read the lease of ({}): {}", name, t.leader(), e.getMessage());
      return;
    }
    long read = System.nanoTime();
    LeaderLease before = last.get();
    LeaderLease now =
        LeaderLease.afterReading(
            Optional.ofNullable(before),
            t.leaseId(),
            ttl.grantedSeconds(),
            ttl.remainingSeconds(),
            asked,
            read);
    last.set(now);
    long silent = now.silentForNanos(read);
    if (silent >= t.silenceNanos() && read - lastWakeNanos >= wakeEveryNanos()) {
      if (before == null || before.silentForNanos(before.readAtNanos()) < t.silenceNanos()) {
        LOG.warn(
            "[{}] the lease of ({}) has not been renewed for {} ms: waking the HA loop",
            name,
            t.leader(),
            TimeUnit.NANOSECONDS.toMillis(silent));
      }
      lastWakeNanos = read;
      wake.run();
    }
  }

  private static long wakeEveryNanos() {
    return TimeUnit.MILLISECONDS.toNanos(WAKE_EVERY_MILLIS);
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
