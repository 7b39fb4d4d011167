package io.pgha.patroni;

import java.util.Optional;

/**
 * One entry of the {@code history} key: {@code [timeline, switch_lsn, reason, timestamp,
 * new_leader]}.
 *
 * @param timeline the timeline that ended
 * @param switchLsn the LSN at which it ended
 * @param reason the reason PostgreSQL recorded
 * @param timestamp ISO-8601 time with zone, as written (Patroni keeps the string)
 * @param newLeader the member that became leader
 */
public record HistoryEntry(
    long timeline,
    long switchLsn,
    String reason,
    Optional<String> timestamp,
    Optional<String> newLeader) {

  public HistoryEntry {
    reason = reason == null ? "" : reason;
    timestamp = timestamp == null ? Optional.empty() : timestamp;
    newLeader = newLeader == null ? Optional.empty() : newLeader;
  }
}
