package io.pgha.jdbc.topology;

import io.pgha.patroni.Role;

/** The role a cluster member reports for its PostgreSQL server. */
public enum MemberRole {
  /** Runs read-write (Patroni 3.x writes {@code master}, 4.x and pgha {@code primary}). */
  PRIMARY,
  /** A standby following the primary. */
  REPLICA,
  /** The leader of a standby cluster: read-only, never a write target. */
  STANDBY_LEADER,
  /** A role this library does not know; such a member never receives traffic. */
  UNKNOWN;

  /**
   * Maps the role names used in Patroni's member keys and in its {@code GET /cluster} output.
   *
   * @param value the role as written by the agent, may be null
   * @return the role, {@link #UNKNOWN} for anything unrecognised
   */
  public static MemberRole fromPatroni(String value) {
    return of(Role.fromWire(value));
  }

  /**
   * The routing role of a role read by pgha-patroni-model.
   *
   * @param role the role of a member key or of {@code GET /cluster}
   * @return the role, {@link #UNKNOWN} for one that never takes traffic (demoted, uninitialized)
   */
  public static MemberRole of(Role role) {
    return switch (role) {
      case PRIMARY -> PRIMARY;
      case REPLICA -> REPLICA;
      case STANDBY_LEADER -> STANDBY_LEADER;
      case DEMOTED, UNINITIALIZED, UNKNOWN -> UNKNOWN;
    };
  }
}
