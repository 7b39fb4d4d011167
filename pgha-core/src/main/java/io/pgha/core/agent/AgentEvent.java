package io.pgha.core.agent;

/**
 * Something that happened to this member's role, told to the host application. Listeners hear
 * events after the change; by the time one runs, the state may have changed again.
 */
public sealed interface AgentEvent {

  /** The member the event is about (always this member). */
  String member();

  /** This member took the leader key. */
  record LeadershipAcquired(String member) implements AgentEvent {}

  /** This member no longer holds the leader key (released, lost or taken). */
  record LeadershipLost(String member, String reason) implements AgentEvent {}

  /**
   * This member, a synchronous standby, took the leader key and the {@code sync} key over from
   * {@code previousLeader}, whose lease had gone without a renewal for {@code silentForMillis}; the
   * promotion follows ({@link Promoted}).
   */
  record FastTakeover(String member, String previousLeader, long silentForMillis)
      implements AgentEvent {}

  /** PostgreSQL was promoted and now accepts writes on {@code timeline}. */
  record Promoted(String member, int timeline) implements AgentEvent {}

  /**
   * This member was promoted although its WAL ended {@code lostBytes} before the last position the
   * previous leader published: the transactions committed in between (at least that much WAL) are
   * not on the new primary. Published after {@link Promoted}.
   *
   * @param lostBytes bytes of WAL between our position and the last known leader position (&gt; 0)
   * @param lastKnownLeaderPosition the previous leader's last published WAL position (integer LSN)
   * @param promotedAt our WAL position when we were promoted (integer LSN)
   */
  record PromotedWithDataLoss(
      String member, long lostBytes, long lastKnownLeaderPosition, long promotedAt)
      implements AgentEvent {}

  /** PostgreSQL stopped accepting writes. */
  record Demoted(String member, String reason) implements AgentEvent {}

  /** PostgreSQL now streams from {@code leader}. */
  record FollowingLeader(String member, String leader) implements AgentEvent {}

  /**
   * This member, the standby leader of a standby cluster, now follows the primary cluster ({@code
   * source} says where): Patroni's role {@code standby_leader}.
   */
  record FollowingPrimaryCluster(String member, String source) implements AgentEvent {}
}
