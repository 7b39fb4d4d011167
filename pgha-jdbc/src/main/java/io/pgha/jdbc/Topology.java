package io.pgha.jdbc;

import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of the cluster: who holds the leader key and which members exist. Sources
 * build a new snapshot for every change; the DataSource swaps it atomically.
 *
 * @param leaderName the member holding the leader key, or null when there is no leader
 * @param members all members, in a stable order (by name)
 */
public record Topology(String leaderName, List<Member> members) {

  /** The topology before anything is known: no leader, no members. */
  public static final Topology EMPTY = new Topology(null, List.of());

  public Topology {
    members = List.copyOf(members);
  }

  /** The member by name. */
  public Optional<Member> member(String name) {
    for (Member m : members) {
      if (m.name().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * The leader if it can take writes now: it holds the leader key, runs as primary, and its address
   * is known. Empty during a failover, while the new leader is still promoting.
   */
  public Optional<Member> writableLeader() {
    if (leaderName == null) {
      return Optional.empty();
    }
    return member(leaderName)
        .filter(m -> m.role() == MemberRole.PRIMARY && m.isRunning() && m.hasAddress());
  }

  /** Members that run as replicas (any state). */
  public List<Member> replicas() {
    return members.stream().filter(m -> m.role() == MemberRole.REPLICA).toList();
  }
}
