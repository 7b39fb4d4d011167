package io.pgha.core.api;

import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Role;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Patroni's health-check rules as a pure function of a {@link NodeSnapshot}, the query and the
 * monotonic time: no I/O, no clock of its own, so every branch is a unit test.
 */
final class HealthRules {
  private HealthRules() {}

  /**
   * Evaluates {@code endpoint} for the member described by {@code s}.
   *
   * @param nowNanos {@link System#nanoTime()} now, for {@code /liveness} and the freshness of
   *     leadership
   */
  static HealthVerdict evaluate(
      HealthEndpoint endpoint, NodeSnapshot s, HealthQuery q, long nowNanos) {
    HealthVerdict verdict =
        switch (endpoint) {
          case PRIMARY -> primary(s, nowNanos);
          case LEADER -> leader(s, nowNanos);
          case STANDBY_LEADER -> standbyLeader(s);
          case REPLICA -> replica(s, q);
          case READ_ONLY -> leaderOr(primaryOrStandbyLeader(s, nowNanos), replica(s, q));
          case SYNC -> whenSynchronous(s, isSyncStandby(s), "synchronous standby", q);
          case QUORUM -> whenSynchronous(s, isQuorumStandby(s), "quorum standby", q);
          case READ_ONLY_SYNC ->
              leaderOr(
                  primaryOrStandbyLeader(s, nowNanos),
                  whenSynchronous(s, isSyncStandby(s), "synchronous standby", q));
          case READ_ONLY_QUORUM ->
              leaderOr(
                  primaryOrStandbyLeader(s, nowNanos),
                  whenSynchronous(s, isQuorumStandby(s), "quorum standby", q));
          case ASYNC -> asynchronous(s, q);
          case HEALTH ->
              s.isRunning()
                  ? HealthVerdict.ok("PostgreSQL is running")
                  : HealthVerdict.no("PostgreSQL is " + s.postgresState());
          case LIVENESS -> liveness(s, nowNanos);
          case READINESS -> readiness(s, q);
        };
    if (verdict.healthy() && endpoint.filtersTags()) {
      return tagsMatch(s, q.tags()).orElse(verdict);
    }
    return verdict;
  }

  // ------------------------------------------------------------------ leader checks

  /**
   * {@code /primary}: this member holds the leader key, confirmed fresh (see {@link
   * #unconfirmedLeadership}), and its PostgreSQL runs read-write.
   */
  private static HealthVerdict primary(NodeSnapshot s, long nowNanos) {
    if (dcsUnknownWhilePaused(s)) {
      return s.effectiveRole() == Role.PRIMARY
          ? HealthVerdict.ok("paused and etcd unreachable: PostgreSQL runs as a primary")
          : HealthVerdict.no("paused and etcd unreachable: PostgreSQL is not a primary");
    }
    if (!s.holdsLeaderKey()) {
      return HealthVerdict.no("does not hold the leader key");
    }
    if (isStandbyCluster(s)) {
      return HealthVerdict.no("leads a standby cluster, which is read-only");
    }
    if (s.effectiveRole() != Role.PRIMARY) {
      return HealthVerdict.no("holds the leader key but PostgreSQL does not run read-write");
    }
    return unconfirmedLeadership(s, nowNanos).orElse(HealthVerdict.ok("holds the leader key"));
  }

  private static HealthVerdict leader(NodeSnapshot s, long nowNanos) {
    if (dcsUnknownWhilePaused(s)) {
      return s.effectiveRole().isLeaderRole()
          ? HealthVerdict.ok("paused and etcd unreachable: PostgreSQL runs as a leader")
          : HealthVerdict.no("paused and etcd unreachable: PostgreSQL is not a leader");
    }
    if (!s.holdsLeaderKey()) {
      return HealthVerdict.no("does not hold the leader key");
    }
    return unconfirmedLeadership(s, nowNanos).orElse(HealthVerdict.ok("holds the leader key"));
  }

  /**
   * The refusal of a leader check when leadership is not confirmed fresh: a leader deposed while it
   * was frozen still holds the key in its own view for the few milliseconds its watch takes to tell
   * it, and its lease is alive (a fast takeover does not wait for it to expire). The confirmation
   * it needs cannot be refreshed once the key is taken (fencing.md, "The health checks of a deposed
   * leader"). In failsafe mode the members' confirmations stand in for etcd's.
   */
  private static Optional<HealthVerdict> unconfirmedLeadership(NodeSnapshot s, long nowNanos) {
    if (s.failsafeActive()) {
      return Optional.empty();
    }
    Duration bound = confirmationBound(s.cluster().effectiveConfig(), s.fastTakeoverMayDepose());
    if (isConfirmedFresh(s.leaderConfirmedAtNanos(), bound, nowNanos)) {
      return Optional.empty();
    }
    return Optional.of(
        HealthVerdict.no(
            "leadership not confirmed by etcd within the last "
                + bound.toMillis()
                + " ms: this member may have been deposed"));
  }

  /**
   * Whether leadership confirmed at {@code confirmedAtNanos} (the send time of a lease renewal that
   * etcd confirmed before the leader key was found ours) still holds at {@code nowNanos}: no
   * takeover can happen within {@code bound} of that send time.
   */
  static boolean isConfirmedFresh(OptionalLong confirmedAtNanos, Duration bound, long nowNanos) {
    return confirmedAtNanos.isPresent()
        && nowNanos - confirmedAtNanos.getAsLong() < bound.toNanos();
  }

  /**
   * How long a confirmation of leadership counts. While a fast takeover may depose this member
   * ({@code fastTakeoverMayDepose}): {@code leader_silence_timeout}, whether or not the fast path
   * is on (another member may see the config key change a moment earlier), and never beyond the
   * lease's ttl. Otherwise only the lease's expiry (or an operator's delete, which the watch and
   * the lease keeper's reads report) takes the key without this member's consent, no earlier than
   * the ttl after the confirmed renewal: the ttl less a quarter of it, the lease deadline's default
   * margin, so that the checks turn with the lease deadline, at which the member fences
   * (fencing.md, "A leader no fast takeover can depose").
   */
  static Duration confirmationBound(DynamicConfig c, boolean fastTakeoverMayDepose) {
    Duration ttl = Duration.ofSeconds(c.ttl());
    if (!fastTakeoverMayDepose) {
      return ttl.minus(ttl.dividedBy(RELAXED_MARGIN_DIVISOR));
    }
    Duration silence = c.leaderSilenceTimeoutDuration();
    return silence.compareTo(ttl) < 0 ? silence : ttl;
  }

  /** The relaxed bound's margin is the ttl divided by this (the lease deadline's default). */
  static final int RELAXED_MARGIN_DIVISOR = 4;

  private static HealthVerdict standbyLeader(NodeSnapshot s) {
    Role role = s.effectiveRole();
    if (dcsUnknownWhilePaused(s)) {
      return role == Role.STANDBY_LEADER
          ? HealthVerdict.ok("paused and etcd unreachable: PostgreSQL runs as a standby leader")
          : HealthVerdict.no("paused and etcd unreachable: PostgreSQL is not a standby leader");
    }
    if (!s.holdsLeaderKey()) {
      return HealthVerdict.no("does not hold the leader key");
    }
    if (!isStandbyCluster(s)) {
      return HealthVerdict.no("holds the leader key of a cluster that is not a standby cluster");
    }
    return role == Role.REPLICA || role == Role.STANDBY_LEADER
        ? HealthVerdict.ok("leads the standby cluster")
        : HealthVerdict.no("holds the leader key but PostgreSQL is " + role.wireName());
  }

  /** {@code /read-only}: 200 for the primary or standby leader, else the replica rule. */
  private static HealthVerdict primaryOrStandbyLeader(NodeSnapshot s, long nowNanos) {
    HealthVerdict p = primary(s, nowNanos);
    return p.healthy() ? p : standbyLeader(s);
  }

  private static HealthVerdict leaderOr(HealthVerdict leader, HealthVerdict otherwise) {
    return leader.healthy() ? leader : otherwise;
  }

  // ------------------------------------------------------------------ replica checks

  private static HealthVerdict replica(NodeSnapshot s, HealthQuery q) {
    if (s.tags().noLoadBalance()) {
      return HealthVerdict.no("tagged noloadbalance");
    }
    if (s.effectiveRole() != Role.REPLICA) {
      return HealthVerdict.no("PostgreSQL is not a replica (" + s.effectiveRole().wireName() + ")");
    }
    if (!s.isRunning()) {
      return HealthVerdict.no("PostgreSQL is " + s.postgresState());
    }
    if (q.replicationState().isPresent() && !q.replicationState().equals(replicationState(s))) {
      return HealthVerdict.no(
          "replication state is "
              + replicationState(s).orElse("unknown")
              + ", not "
              + q.replicationState().get());
    }
    if (q.lag().isPresent()) {
      long leaderLsn = leaderLsn(s);
      long replayed = value(s.postgres().replayedLsn());
      long max = q.lag().getAsLong();
      if (leaderLsn > 0 && leaderLsn - replayed > max) {
        return HealthVerdict.no(
            "replay lag " + (leaderLsn - replayed) + " bytes exceeds lag=" + max + " bytes");
      }
    }
    return HealthVerdict.ok("running replica");
  }

  private static HealthVerdict whenSynchronous(
      NodeSnapshot s, boolean listed, String what, HealthQuery q) {
    if (!s.dcsReachable()) {
      return HealthVerdict.no("etcd unreachable: cannot tell whether this is a " + what);
    }
    if (!listed) {
      return HealthVerdict.no("not a " + what);
    }
    return replica(s, q);
  }

  private static HealthVerdict asynchronous(NodeSnapshot s, HealthQuery q) {
    if (!s.dcsReachable()) {
      return HealthVerdict.no("etcd unreachable: cannot tell whether this is an async replica");
    }
    if (isSyncStandby(s) || isQuorumStandby(s)) {
      return HealthVerdict.no("a synchronous standby, not asynchronous");
    }
    return replica(s, q);
  }

  /** Patroni's {@code sync_standby}: a replica listed in {@code sync} in synchronous mode. */
  static boolean isSyncStandby(NodeSnapshot s) {
    DynamicConfig c = s.cluster().effectiveConfig();
    return c.synchronousMode() == io.pgha.patroni.SynchronousMode.ON && listedInSync(s);
  }

  /** Patroni's {@code quorum_standby}: the same in quorum commit mode. */
  static boolean isQuorumStandby(NodeSnapshot s) {
    DynamicConfig c = s.cluster().effectiveConfig();
    return c.synchronousMode() == io.pgha.patroni.SynchronousMode.QUORUM && listedInSync(s);
  }

  private static boolean listedInSync(NodeSnapshot s) {
    return s.effectiveRole() == Role.REPLICA
        && s.cluster().sync().filter(sync -> sync.isSyncStandby(s.memberName())).isPresent();
  }

  // ------------------------------------------------------------------ liveness, readiness

  private static HealthVerdict liveness(NodeSnapshot s, long nowNanos) {
    if (s.paused()) {
      return HealthVerdict.ok("paused: the HA loop may stall");
    }
    if (s.lastLoopNanos().isEmpty()) {
      return HealthVerdict.no("the HA loop has not run yet");
    }
    DynamicConfig c = s.cluster().effectiveConfig();
    boolean primary = s.effectiveRole() == Role.PRIMARY && s.postgres().running();
    // As Patroni: the next loop is due loop_wait after the last; a primary tolerates ttl beyond
    // that (after which its leader key has expired anyway), a replica twice as long.
    Duration threshold = Duration.ofSeconds(c.loopWait() + (long) c.ttl() * (primary ? 1 : 2));
    long age = nowNanos - s.lastLoopNanos().getAsLong();
    return age < threshold.toNanos()
        ? HealthVerdict.ok("the HA loop ran " + Duration.ofNanos(age).toMillis() + " ms ago")
        : HealthVerdict.no(
            "the HA loop last ran "
                + Duration.ofNanos(age).toMillis()
                + " ms ago, more than "
                + threshold.toSeconds()
                + " s");
  }

  private static HealthVerdict readiness(NodeSnapshot s, HealthQuery q) {
    if (s.holdsLeaderKey()) {
      return HealthVerdict.ok("holds the leader key");
    }
    if (!s.isRunning()) {
      return HealthVerdict.no("PostgreSQL is not running");
    }
    if (!replicationState(s).equals(Optional.of("streaming"))) {
      return HealthVerdict.no("PostgreSQL replication state is not streaming");
    }
    long leaderLsn = leaderLsn(s);
    if (!s.dcsReachable() && leaderLsn == 0) {
      return s.failsafeActive()
          ? HealthVerdict.ok("failsafe mode is active")
          : HealthVerdict.no("DCS is not accessible");
    }
    PostgresStatus pg = s.postgres();
    String mode = q.writeMode() ? "write" : "apply";
    long position = value(q.writeMode() ? pg.receivedLsn() : pg.replayedLsn());
    long lag = leaderLsn - position;
    long max = q.lag().orElse(s.cluster().effectiveConfig().maximumLagOnFailover());
    return lag > max
        ? HealthVerdict.no(
            "Replication " + mode + " lag " + lag + " exceeds maximum allowable " + max)
        : HealthVerdict.ok("streaming, " + mode + " lag " + Math.max(lag, 0) + " bytes");
  }

  // ------------------------------------------------------------------ tags

  private static Optional<HealthVerdict> tagsMatch(NodeSnapshot s, Map<String, String> wanted) {
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> tags = TagValues.of(s.tags());
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      Object actual = tags.get(e.getKey());
      if (actual == null) {
        return Optional.of(HealthVerdict.no("has no tag " + e.getKey()));
      }
      // Patroni compares non-string tags by their lower-cased text (True -> "true").
      String text = actual instanceof String str ? str : String.valueOf(actual).toLowerCase();
      if (!text.equals(e.getValue())) {
        return Optional.of(
            HealthVerdict.no(
                "tag " + e.getKey() + " is '" + text + "', not '" + e.getValue() + "'"));
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ facts

  /** Patroni's {@code replication_state} ({@link PostgresStatus#replicationState()}). */
  static Optional<String> replicationState(NodeSnapshot s) {
    if (s.effectiveRole() == Role.PRIMARY) {
      return Optional.empty();
    }
    return s.postgres().replicationState();
  }

  /**
   * The leader's WAL position as far as this member knows: the {@code status} key's optime, the
   * leader's member key, and what this replica has received (it cannot have more than the leader).
   */
  static long leaderLsn(NodeSnapshot s) {
    long status = s.cluster().status().flatMap(st -> boxed(st.optime())).orElse(0L);
    long member = s.cluster().leaderMember().flatMap(m -> boxed(m.xlogLocation())).orElse(0L);
    return Math.max(Math.max(status, member), value(s.postgres().receivedLsn()));
  }

  private static boolean isStandbyCluster(NodeSnapshot s) {
    return s.cluster().effectiveConfig().isStandbyCluster();
  }

  /** Patroni decides from PostgreSQL's own role when paused and etcd cannot be read. */
  private static boolean dcsUnknownWhilePaused(NodeSnapshot s) {
    return !s.dcsReachable() && s.paused();
  }

  private static Optional<Long> boxed(java.util.OptionalLong v) {
    return v.isPresent() ? Optional.of(v.getAsLong()) : Optional.empty();
  }

  private static long value(Lsn lsn) {
    return lsn == null ? 0 : lsn.value();
  }
}
