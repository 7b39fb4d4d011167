package io.pgha.jdbc;

import java.util.Locale;

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
    if (value == null) {
      return UNKNOWN;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "master", "primary", "leader" -> PRIMARY;
      case "replica", "sync_standby", "quorum_standby", "standby" -> REPLICA;
      case "standby_leader" -> STANDBY_LEADER;
      default -> UNKNOWN;
    };
  }
}
