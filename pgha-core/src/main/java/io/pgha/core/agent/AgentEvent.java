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

  /** PostgreSQL was promoted and now accepts writes on {@code timeline}. */
  record Promoted(String member, int timeline) implements AgentEvent {}

  /** PostgreSQL stopped accepting writes. */
  record Demoted(String member, String reason) implements AgentEvent {}

  /** PostgreSQL now streams from {@code leader}. */
  record FollowingLeader(String member, String leader) implements AgentEvent {}
}
