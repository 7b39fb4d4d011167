package io.pgha.core.ha;

import static io.pgha.core.ha.Situation.seconds;

import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Leader;
import io.pgha.patroni.SyncState;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The fast takeover: a synchronous standby takes over from a leader whose lease has gone silent for
 * {@code leader_silence_timeout}, without waiting for the lease to expire.
 *
 * <p>Why it is safe only in synchronous mode (priority, {@code synchronous_mode: true}): the leader
 * names in {@code synchronous_standby_names} exactly the standbys of the {@code sync} key ({@code
 * FIRST n} with {@code n} names, see {@link SynchronousReplication}), so it acknowledges no commit
 * that every one of them has not flushed. The standby that takes over promotes, which stops its WAL
 * receiver: from then on the old leader acknowledges nothing, whether it is dead, frozen or cut
 * off. It could escape only by naming other standbys, which it does only after a compare-and-swap
 * on the {@code sync} key; the takeover rewrites that key in the same transaction that takes the
 * leader key, so that swap fails for good. Every commit it acknowledged before is on the standby,
 * which replays all it received before accepting writes. The silence itself proves nothing (a
 * leader may renew again right after the reading); it only says when to act, and the barrier is
 * what makes acting safe. In asynchronous mode there is no barrier: an early takeover could lose
 * commits a live, isolated leader acknowledged, so the fast path is never taken there.
 *
 * <p>A standby that cannot read etcd concludes nothing: the decision needs a view read this cycle
 * and a reading of the lease that is at most {@value #FRESH_READING_MILLIS} ms old. The leader may
 * renew after that reading, which no key shows: the executor reads the lease again right before the
 * transaction and right after it ({@link Takeover#stillSilent}, {@link Takeover#silentWhenSent}),
 * for the health checks' argument in fencing.md.
 */
final class FastTakeover {
  /** A lease reading older than this says nothing about the leader now. */
  static final long FRESH_READING_MILLIS = 1000;

  private FastTakeover() {}

  /** The takeover, when the leader is silent and every precondition holds. */
  static Optional<Decision> fromSilentLeader(Situation s, String leader) {
    if (silentFor(s).isEmpty() || whyNot(s, leader).isPresent()) {
      return Optional.empty();
    }
    Leader key = s.view().leader().orElseThrow();
    long silent = silentFor(s).getAsLong();
    Takeover takeover =
        new Takeover(
            leader,
            key.modRevision(),
            s.view().sync().map(SyncState::modRevision).orElseThrow(),
            TimeUnit.NANOSECONDS.toMillis(silent),
            s.local().leaderLease().orElseThrow(),
            TimeUnit.SECONDS.toNanos(s.config().leaderSilenceTimeout()));
    return Optional.of(
        Promotion.afterTakeover(
            s,
            takeover,
            "fast takeover: ("
                + leader
                + ") has not renewed its lease for "
                + seconds(silent)
                + " (leader_silence_timeout "
                + s.config().leaderSilenceTimeout()
                + "s) and I am its synchronous standby with every acknowledged commit: taking"
                + " the leader key and the sync key in one transaction, then promoting"));
  }

  /**
   * Why a silent leader is not taken over (completing "the leader's lease is silent, but"); empty
   * when it is not silent (nothing to explain) or when it is taken over.
   */
  static Optional<String> whyKept(Situation s, String leader) {
    if (silentFor(s).isEmpty()) {
      return Optional.empty();
    }
    return whyNot(s, leader)
        .map(
            why ->
                "("
                    + leader
                    + ")'s lease has not been renewed for "
                    + seconds(silentFor(s).getAsLong())
                    + ", but no fast takeover: "
                    + why);
  }

  /**
   * How long the leader's lease has been silent, when this member read that lease (the one the
   * leader key is on) and it has been silent for at least {@code leader_silence_timeout}.
   */
  private static java.util.OptionalLong silentFor(Situation s) {
    Optional<LeaderLease> lease = s.local().leaderLease();
    Optional<Leader> key = s.view().leader();
    if (lease.isEmpty() || key.isEmpty() || key.get().lease() != lease.get().leaseId()) {
      return java.util.OptionalLong.empty();
    }
    long silent = lease.get().silentForNanos(s.now().nanos());
    return silent >= TimeUnit.SECONDS.toNanos(s.config().leaderSilenceTimeout())
        ? java.util.OptionalLong.of(silent)
        : java.util.OptionalLong.empty();
  }

  /** Each precondition, in order, with why it matters; empty when all hold. */
  private static Optional<String> whyNot(Situation s, String leader) {
    DynamicConfig config = s.config();
    LocalState local = s.local();
    if (!config.fastTakeoverEnabled()) {
      return Optional.of(
          config
              .fastTakeoverProblem()
              .orElse(
                  switch (config.synchronousMode()) {
                    case ON -> "fast_takeover is off";
                    case QUORUM ->
                        "synchronous_mode is quorum, and only the priority mode's barrier (every"
                            + " named standby must confirm) makes an early takeover safe";
                    case OFF ->
                        "synchronous mode is off, and only its barrier makes an early takeover"
                            + " safe";
                  }));
    }
    if (s.paused()) {
      return Optional.of("the cluster is paused");
    }
    if (!s.me().tags().isFailoverCandidate()) {
      return Optional.of("I may not be promoted (nofailover or failover_priority 0)");
    }
    Optional<SyncState> sync = s.view().sync();
    if (sync.isEmpty() || sync.get().leader().filter(leader::equals).isEmpty()) {
      return Optional.of(
          "the sync key does not belong to ("
              + leader
              + "), so it does not say who has its acknowledged commits");
    }
    if (!sync.get().isSyncStandby(s.name())) {
      return Optional.of(
          "I am not named in the sync key, so I may lack acknowledged commits (only a"
              + " synchronous standby's promotion also stops the leader acknowledging)");
    }
    if (!local.isReplica()) {
      return Optional.of("PostgreSQL does not run here as a replica");
    }
    if (local.following().filter(leader::equals).isEmpty()) {
      return Optional.of("I do not stream from (" + leader + ") directly");
    }
    if (local.replayLagBytes() > 0) {
      return Optional.of(
          "I have not replayed all the WAL I received yet ("
              + local.replayLagBytes()
              + " bytes to go)");
    }
    if (local.etcdReadFailed()) {
      return Optional.of("I could not read etcd this cycle, so I conclude nothing");
    }
    long readingAge = s.now().nanos() - local.leaderLease().orElseThrow().readAtNanos();
    if (readingAge > TimeUnit.MILLISECONDS.toNanos(FRESH_READING_MILLIS)) {
      return Optional.of(
          "my last reading of its lease is "
              + seconds(readingAge)
              + " old (etcd did not answer since), so I conclude nothing");
    }
    if (s.view().failover().isPresent()) {
      return Optional.of("a switchover or failover is requested; it goes its own way");
    }
    Optional<String> failsafe = Failsafe.whyNotRace(s);
    if (failsafe.isPresent()) {
      return failsafe;
    }
    Optional<PromotionRefusal> refused = local.promotionRefusal();
    if (refused.isPresent()
        && s.now().nanos() - refused.get().atNanos()
            < TimeUnit.SECONDS.toNanos(config.loopWait())) {
      return Optional.of("a promotion was cancelled lately (" + refused.get().why() + ")");
    }
    return Optional.empty();
  }
}
