package io.pgha.patroni;

import java.util.Locale;

/**
 * The role a member reports in its {@code members/<name>} key.
 *
 * <p>Written as Patroni 4 does ({@code primary}); Patroni 3's {@code master} is read as {@link
 * #PRIMARY}.
 */
public enum Role {
  PRIMARY("primary"),
  REPLICA("replica"),
  STANDBY_LEADER("standby_leader"),
  /** Patroni's role while a member is being demoted. */
  DEMOTED("demoted"),
  /** No PostgreSQL data directory yet. */
  UNINITIALIZED("uninitialized"),
  /** Absent or a value this version does not know; the member itself is still kept. */
  UNKNOWN("unknown");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The value written to etcd and served by the HTTP API. */
  public String wireName() {
    return wireName;
  }

  /**
   * Reads a role as Patroni 3 or 4 writes it in a member key ({@code master} is {@link #PRIMARY})
   * or shows it in {@code GET /cluster} ({@code leader}; {@code sync_standby} and {@code
   * quorum_standby} are replicas); anything else is {@link #UNKNOWN}.
   */
  public static Role fromWire(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "master", "leader" -> {
        return PRIMARY;
      }
      case "sync_standby", "quorum_standby", "standby" -> {
        return REPLICA;
      }
      default -> {
        // one of the wire names below, or unknown
      }
    }
    for (Role role : values()) {
      if (role.wireName.equals(v)) {
        return role;
      }
    }
    return UNKNOWN;
  }

  /** True for the roles that run PostgreSQL read-write (or lead a standby cluster). */
  public boolean isLeaderRole() {
    return this == PRIMARY || this == STANDBY_LEADER;
  }
}
