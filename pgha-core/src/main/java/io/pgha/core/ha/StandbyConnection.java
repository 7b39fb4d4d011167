package io.pgha.core.ha;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One standby streaming from the leader, as the leader's {@code pg_stat_replication} shows it.
 *
 * @param name its {@code application_name}: the member name, which pgha puts in primary_conninfo
 * @param state the WAL sender's state, e.g. {@code streaming}, {@code catchup}
 * @param syncState {@code async}, {@code potential}, {@code sync} or {@code quorum}
 * @param flushLsn the last WAL position the standby flushed to disk; -1 when unknown
 * @param syncSinceLsn the leader's WAL position read just after this connection (this WAL sender
 *     process) was first seen synchronous: every commit acknowledged before it became synchronous
 *     lies at or before this position; empty when it is not synchronous
 * @param replayLsn the last WAL position the standby replayed; -1 when unknown
 */
public record StandbyConnection(
    String name,
    String state,
    String syncState,
    long flushLsn,
    OptionalLong syncSinceLsn,
    long replayLsn) {

  public StandbyConnection {
    Objects.requireNonNull(name, "name");
    syncSinceLsn = Objects.requireNonNullElse(syncSinceLsn, OptionalLong.empty());
  }

  /** A standby whose replay position is not known apart (taken as its flush position). */
  public StandbyConnection(
      String name, String state, String syncState, long flushLsn, OptionalLong syncSinceLsn) {
    this(name, state, syncState, flushLsn, syncSinceLsn, flushLsn);
  }

  /**
   * The position a commit waits for under {@code synchronous_commit}, as Patroni measures a
   * synchronous standby's lag: replayed for {@code remote_apply}, flushed otherwise.
   */
  long acknowledgedLsn(String synchronousCommit) {
    return "remote_apply".equalsIgnoreCase(synchronousCommit) ? replayLsn : flushLsn;
  }

  /** Whether the standby streams WAL as it is written (not catching up, not starting). */
  public boolean isStreaming() {
    return "streaming".equals(state);
  }

  /** Whether PostgreSQL waits for this standby's confirmation before acknowledging a commit. */
  public boolean isSynchronous() {
    return "sync".equals(syncState) || "quorum".equals(syncState);
  }

  /**
   * Whether it has every acknowledged commit: synchronous, and flushed past the position where it
   * became so (commits acknowledged before that point were not waiting for it).
   */
  boolean hasEveryAcknowledgedCommit() {
    return isSynchronous()
        && syncSinceLsn.isPresent()
        && flushLsn >= 0
        && flushLsn >= syncSinceLsn.getAsLong();
  }
}
