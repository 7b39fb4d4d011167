package io.pgha.patroni;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code sync} key: which members may be promoted without losing a synchronous commit.
 *
 * @param leader {@code leader}: the primary the standby list belongs to; absent when cleared
 * @param syncStandbys {@code sync_standby} (comma-separated on the wire), in order
 * @param quorum {@code quorum} (quorum commit mode only)
 * @param modRevision etcd mod revision, for compare-and-swap (0 when not from etcd)
 */
public record SyncState(
    Optional<String> leader, List<String> syncStandbys, OptionalInt quorum, long modRevision) {

  public SyncState {
    leader = leader == null ? Optional.empty() : leader;
    syncStandbys = syncStandbys == null ? List.of() : List.copyOf(syncStandbys);
    quorum = quorum == null ? OptionalInt.empty() : quorum;
  }

  /** A state naming {@code leader} and its synchronous standbys. */
  public static SyncState of(String leader, List<String> standbys) {
    return new SyncState(Optional.of(leader), standbys, OptionalInt.empty(), 0);
  }

  /**
   * A {@code sync} key whose value could not be read: it names no one (so nobody counts as having
   * every commit) and keeps its revision so that the leader can overwrite it.
   */
  public static SyncState unreadable(long modRevision) {
    return new SyncState(Optional.empty(), List.of(), OptionalInt.empty(), modRevision);
  }

  /** Whether {@code member} is listed as a synchronous standby. */
  public boolean isSyncStandby(String member) {
    return syncStandbys.contains(member);
  }

  /** Whether {@code member} is the leader or a listed standby, i.e. has every commit. */
  public boolean matches(String member) {
    return leader.filter(member::equals).isPresent() || isSyncStandby(member);
  }
}
