package io.pgha.core.ha;

import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether this member may race for a free leader key: only the healthiest eligible member does, so
 * that the most advanced data survives the failover.
 */
final class Election {
  private Election() {}

  /**
   * Empty when we are the healthiest eligible member, else why not (completing "no leader, and").
   */
  static Optional<String> whyNotHealthiest(Situation s) {
    Optional<String> ineligible = whyIneligible(s);
    if (ineligible.isPresent()) {
      return ineligible;
    }
    return aheadOfMe(s);
  }

  /** Our own eligibility: tags, synchronous state, lag and timeline. */
  static Optional<String> whyIneligible(Situation s) {
    Tags tags = s.me().tags();
    if (!tags.isFailoverCandidate()) {
      return Optional.of("I may not be promoted (nofailover or failover_priority 0)");
    }
    DynamicConfig config = s.config();
    boolean synchronous = config.synchronousMode().isSynchronous();
    // In quorum mode the key's members vote instead (QuorumVotes); in priority mode a key written
    // with a quorum proves nothing about any one standby.
    if (config.synchronousMode() == SynchronousMode.ON
        && !s.view()
            .sync()
            .filter(sync -> sync.quorum().orElse(0) == 0)
            .map(sync -> sync.matches(s.name()))
            .orElse(false)) {
      return Optional.of(
          "synchronous mode is on and I am not a synchronous standby, so I may lack acknowledged"
              + " commits");
    }
    if (config.synchronousMode() == SynchronousMode.QUORUM) {
      Optional<String> notProven = QuorumVotes.whyShort(s);
      if (notProven.isPresent()) {
        return notProven;
      }
    }
    // A synchronous standby has every acknowledged commit; WAL of the last optime beyond its
    // position was never acknowledged. Checking the lag would only risk leaving the cluster
    // without a leader (with pg_rpo 0, maximum_lag_on_failover is 0). Patroni checks it anyway.
    Optional<Long> lag =
        synchronous ? Optional.empty() : lagBeyondBound(s, s.local().walPosition());
    if (lag.isPresent()) {
      long leaderOptime = s.local().walPosition() + lag.get();
      return Optional.of(
          "my WAL position ("
              + s.local().walPosition()
              + ") is "
              + lag.get()
              + " bytes behind the last known leader position ("
              + leaderOptime
              + "), more than maximum_lag_on_failover ("
              + config.maximumLagOnFailover()
              + ")");
    }
    if (config.checkTimeline() && s.clusterTimeline() > s.local().timeline()) {
      return Optional.of(
          "my timeline ("
              + s.local().timeline()
              + ") is behind the cluster's ("
              + s.clusterTimeline()
              + ")");
    }
    return Optional.empty();
  }

  /**
   * How far {@code position} is behind the leader's last published position (the {@code status}
   * key), when that is more than {@code maximum_lag_on_failover}; empty when within the bound or
   * when no position was published.
   */
  static Optional<Long> lagBeyondBound(Situation s, long position) {
    OptionalLong leaderOptime =
        s.view().status().map(ClusterStatus::optime).orElse(OptionalLong.empty());
    if (leaderOptime.isEmpty()) {
      return Optional.empty();
    }
    long lag = leaderOptime.getAsLong() - position;
    return lag > s.config().maximumLagOnFailover() ? Optional.of(lag) : Optional.empty();
  }

  /**
   * Compares with every peer that answered: a peer still running as primary, or an eligible peer
   * with more WAL (or as much and a higher failover_priority), goes first.
   */
  private static Optional<String> aheadOfMe(Situation s) {
    // Any peer that answered, member key or not: after the keys were deleted (patronictl remove)
    // the loop also asks the members of the last view with a leader, as Patroni asks its
    // old_cluster's, so that nobody races while the primary still runs.
    for (PeerPosition peer : s.peers().byMember().values()) {
      if (peer.primary() && !peer.member().equals(s.name())) {
        return Optional.of("(" + peer.member() + ") still runs as primary");
      }
    }
    LocalState local = s.local();
    int myPriority = s.me().tags().failoverPriority();
    for (Member member : s.view().members().values()) {
      Optional<PeerPosition> answered =
          member.name().equals(s.name()) ? Optional.empty() : s.peers().get(member.name());
      if (answered.isEmpty()) {
        continue;
      }
      PeerPosition peer = answered.get();
      if (!member.tags().isFailoverCandidate() || outsideSyncSet(s, member.name())) {
        continue;
      }
      if (s.config().checkTimeline() && peer.timeline() > local.timeline()) {
        return Optional.of(
            "("
                + member.name()
                + ") is on a later timeline ("
                + peer.timeline()
                + " > "
                + local.timeline()
                + ")");
      }
      if (peer.walPosition() > local.walPosition()) {
        return Optional.of(
            "("
                + member.name()
                + ") is ahead of me ("
                + peer.walPosition()
                + " > "
                + local.walPosition()
                + ")");
      }
      if (peer.walPosition() == local.walPosition()
          && member.tags().failoverPriority() > myPriority) {
        return Optional.of(
            "("
                + member.name()
                + ") is as far as I am and has a higher failover_priority ("
                + member.tags().failoverPriority()
                + " > "
                + myPriority
                + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * In synchronous mode only the members of the {@code sync} key take part in the race: an
   * asynchronous replica may have received more WAL than the synchronous standby (commits not yet
   * acknowledged), but it may lack acknowledged ones and can never win, so waiting for it would
   * leave the cluster without a leader. The former leader named in the key is left out as well, as
   * Patroni does: it is not running as a primary (checked above), and WAL it wrote that no
   * synchronous standby confirmed was never acknowledged.
   */
  private static boolean outsideSyncSet(Situation s, String member) {
    return s.config().synchronousMode().isSynchronous()
        && !s.view().sync().map(sync -> sync.isSyncStandby(member)).orElse(false);
  }

  /**
   * Why {@code candidate} cannot take leadership over from us (the leader) in a switchover; empty
   * when it can.
   */
  static Optional<String> whyNotSwitchoverCandidate(Situation s, String candidate) {
    Optional<Member> member = s.view().member(candidate);
    if (member.isEmpty()) {
      return Optional.of("(" + candidate + ") is not a member of the cluster");
    }
    Optional<PeerPosition> answered = s.peers().get(candidate);
    if (answered.isEmpty()) {
      return Optional.of("(" + candidate + ") did not answer");
    }
    PeerPosition peer = answered.get();
    if (peer.primary()) {
      return Optional.of("(" + candidate + ") runs as primary");
    }
    if (!member.get().tags().isFailoverCandidate()) {
      return Optional.of("(" + candidate + ") may not be promoted (nofailover)");
    }
    // A hand-over gives the candidate every commit whatever the mode; Patroni restricts it to the
    // synchronous standby in priority mode only.
    boolean priority = s.config().synchronousMode() == SynchronousMode.ON;
    if (priority && !s.view().sync().map(sync -> sync.isSyncStandby(candidate)).orElse(false)) {
      return Optional.of("(" + candidate + ") is not a synchronous standby");
    }
    // A synchronous standby holds every acknowledged commit: a lag under write load is WAL never
    // acknowledged, and with pg_rpo 0 (maximum_lag_on_failover 0) any lag at all would refuse every
    // switchover of a busy cluster, as for the failover above.
    long lag = s.local().walPosition() - peer.walPosition();
    if (!priority && lag > s.config().maximumLagOnFailover()) {
      return Optional.of(
          "("
              + candidate
              + ") is "
              + lag
              + " bytes behind, more than maximum_lag_on_failover ("
              + s.config().maximumLagOnFailover()
              + ")");
    }
    if (s.config().checkTimeline() && peer.timeline() < s.local().timeline()) {
      return Optional.of(
          "("
              + candidate
              + ") is on an earlier timeline ("
              + peer.timeline()
              + " < "
              + s.local().timeline()
              + ")");
    }
    return Optional.empty();
  }
}
