package io.pgha.core.agent;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.Leader;
import io.pgha.patroni.SyncState;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Whether an HA cycle must read etcd (verify the watched view, {@code Dcs.refresh()}) before it
 * decides, or may first decide on the watched view and act on that decision if it is steady ({@link
 * io.pgha.core.ha.Decision#isSteady()}); a decision that is not steady is made again on a verified
 * view, whatever this says. It says <em>verify</em> when
 *
 * <ul>
 *   <li>no cycle verified yet, or the last read failed;
 *   <li>the previous cycle did not end steady (it acted, failed, or its actions did not all
 *       succeed);
 *   <li>the cycle is late: it began more than {@code loop_wait} + 1 s after the previous one (a JVM
 *       or host that froze acts only on fresh state);
 *   <li>no watch runs, or the watch ran again since the last verification;
 *   <li>the last verification is older than {@code ttl / 2}: a watch stuck without telling delays
 *       what this member sees by at most that (and a cycle);
 *   <li>the watched view differs from the last verified one in a key that is not a member's: the
 *       leader, {@code initialize}, {@code config}, {@code failover}, {@code sync} or {@code
 *       failsafe} key; or it has no leader, or a failover key, or an operator asked to reinitialize
 *       this member.
 * </ul>
 *
 * Not thread-safe: the HA loop's thread only. Times are {@link System#nanoTime()}.
 */
final class ViewVerification {
  private static final long LATE_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The keys of a view that a member's own updates never change. */
  private record ClusterKeys(
      Optional<String> initialize,
      Optional<Leader> leader,
      long configModRevision,
      Optional<FailoverRequest> failover,
      Optional<SyncState> sync,
      Optional<Map<String, String>> failsafe) {
    static ClusterKeys of(ClusterView v) {
      return new ClusterKeys(
          v.initialize(), v.leader(), v.configModRevision(), v.failover(), v.sync(), v.failsafe());
    }
  }

  /** Why a cycle reads etcd before deciding. */
  enum Reason {
    NEVER_READ("no cycle has read etcd yet, or the last read failed"),
    UNSETTLED("the previous cycle acted, or did not end as decided"),
    LATE("this cycle began more than loop_wait + 1 s after the previous one (a frozen process?)"),
    WATCH_RESTARTED("the watch ended or started again since the view was last confirmed"),
    CONFIRMATION_OLD("the view was last confirmed more than ttl / 2 ago"),
    NOT_LED("no leader, a failover key or a reinitialize request"),
    KEYS_CHANGED("a key other than the members' changed since the view was last confirmed");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private long gapNanos;
  private OptionalLong previousStartNanos = OptionalLong.empty();
  private OptionalLong verifiedAtNanos = OptionalLong.empty();
  private long verifiedRun = -1;
  private ClusterKeys verifiedKeys;
  private boolean settled;

  /**
   * Called when a cycle begins: why it must verify the view before deciding, or empty when it may
   * decide on {@code watched} first.
   *
   * @param watchRun {@code Dcs.watchRun()} now
   */
  Optional<Reason> whyVerify(
      long startNanos,
      ClusterView watched,
      long watchRun,
      int loopWaitSeconds,
      int ttlSeconds,
      boolean reinitializeRequested) {
    OptionalLong previous = previousStartNanos;
    boolean wasSettled = settled;
    previousStartNanos = OptionalLong.of(startNanos);
    settled = false;
    if (verifiedAtNanos.isEmpty()) {
      return Optional.of(Reason.NEVER_READ);
    }
    if (!wasSettled || previous.isEmpty()) {
      return Optional.of(Reason.UNSETTLED);
    }
    gapNanos = startNanos - previous.getAsLong();
    if (gapNanos > TimeUnit.SECONDS.toNanos(loopWaitSeconds) + LATE_SLACK_NANOS) {
      return Optional.of(Reason.LATE);
    }
    if (watchRun < 0 || watchRun != verifiedRun) {
      return Optional.of(Reason.WATCH_RESTARTED);
    }
    if (startNanos - verifiedAtNanos.getAsLong() > TimeUnit.SECONDS.toNanos(ttlSeconds) / 2) {
      return Optional.of(Reason.CONFIRMATION_OLD);
    }
    if (watched.leader().isEmpty() || watched.failover().isPresent() || reinitializeRequested) {
      return Optional.of(Reason.NOT_LED);
    }
    if (!ClusterKeys.of(watched).equals(verifiedKeys)) {
      return Optional.of(Reason.KEYS_CHANGED);
    }
    return Optional.empty();
  }

  /** How long after the previous cycle this one began (as of the last {@link #whyVerify}). */
  long gapNanos() {
    return gapNanos;
  }

  /**
   * etcd confirmed {@code view} by a read that began at {@code readAtNanos}, during watch run
   * {@code watchRun} ({@code Dcs.watchRun()} taken before the read).
   */
  void verified(long readAtNanos, ClusterView view, long watchRun) {
    verifiedAtNanos = OptionalLong.of(readAtNanos);
    verifiedRun = watchRun;
    verifiedKeys = ClusterKeys.of(view);
  }

  /** The read failed: the next cycle verifies. */
  void readFailed() {
    verifiedAtNanos = OptionalLong.empty();
  }

  /** The cycle carried out a steady decision and every action succeeded. */
  void endedSteady() {
    settled = true;
  }
}
