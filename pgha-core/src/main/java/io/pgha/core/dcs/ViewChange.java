package io.pgha.core.dcs;

import io.pgha.patroni.ClusterView;
import java.util.Objects;

/**
 * One new snapshot of the cluster, with the one before it.
 *
 * @param previous the snapshot before (may equal {@link ClusterView#empty()} at start)
 * @param current the new snapshot
 * @param reread true when the snapshot comes from a full re-read (start, reconnect, compaction)
 */
public record ViewChange(ClusterView previous, ClusterView current, boolean reread) {

  /** The holder of the leader key, or its create revision, changed. */
  public boolean leaderChanged() {
    return !Objects.equals(
        previous.leader().map(l -> l.name() + "@" + l.createRevision()),
        current.leader().map(l -> l.name() + "@" + l.createRevision()));
  }

  public boolean failoverChanged() {
    return !previous.failover().equals(current.failover());
  }

  public boolean configChanged() {
    return !previous.config().equals(current.config());
  }

  public boolean statusChanged() {
    return !previous.status().equals(current.status());
  }

  public boolean membersChanged() {
    return !previous.members().equals(current.members());
  }

  public boolean syncChanged() {
    return !previous.sync().equals(current.sync());
  }

  /** Whether the HA loop should run now rather than at its next tick (Patroni's rule). */
  public boolean wakesHaLoop() {
    return reread || leaderChanged() || failoverChanged() || configChanged() || statusChanged();
  }
}
