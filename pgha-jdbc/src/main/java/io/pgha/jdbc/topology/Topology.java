package io.pgha.jdbc.topology;

import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of the cluster: who holds the leader key and which members exist. Sources
 * build a new snapshot for every change; the DataSource swaps it atomically.
 *
 * @param leaderName the member holding the leader key, or null when there is no leader
 * @param members all members, in a stable order (by name)
 * @param drainingLeader the leader that announced it is handing over (a pgha switchover or clean
 *     stop), while that announcement holds; null otherwise. New write transactions wait rather than
 *     start on the old leader or on a successor that is still promoting; they go to a successor
 *     that holds the leader key and reports itself primary at once, drain or not.
 */
public record Topology(String leaderName, List<Member> members, String drainingLeader) {

  /** The topology before anything is known: no leader, no members. */
  public static final Topology EMPTY = new Topology(null, List.of());

  public Topology {
    members = List.copyOf(members);
  }

  /** A topology without a drain. */
  public Topology(String leaderName, List<Member> members) {
    this(leaderName, members, null);
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
   * The member writes go to: it holds the leader key, runs, and its address is known. A holder that
   * still reports {@code replica} is promoting: Patroni 3.x rewrites its member key only a second
   * or two after PostgreSQL accepts writes, so waiting for that would stretch every failover; a
   * write that arrives before the promotion ends fails with 25006 and is raised as retryable. Empty
   * when nobody holds the key, the holder leads a standby cluster, or a hand-over is draining and
   * its successor does not run as primary yet.
   */
  public Optional<Member> writableLeader() {
    if (leaderName == null) {
      return Optional.empty();
    }
    if (drainingLeader != null) {
      // A drain covers the whole hand-over: the old leader finishing its transactions, and the
      // successor until it runs as primary. The announcing leader withdraws the drain once it sees
      // that too; acting on the same sight here saves waiting for the withdrawal to come round.
      return member(leaderName)
          .filter(m -> !m.name().equals(drainingLeader))
          .filter(m -> m.role() == MemberRole.PRIMARY)
          .filter(m -> m.isRunning() && m.hasAddress());
    }
    return member(leaderName)
        .filter(m -> m.role() == MemberRole.PRIMARY || m.role() == MemberRole.REPLICA)
        .filter(m -> m.isRunning() && m.hasAddress());
  }

  /** Members that run as replicas (any state). */
  public List<Member> replicas() {
    return members.stream().filter(m -> m.role() == MemberRole.REPLICA).toList();
  }
}
