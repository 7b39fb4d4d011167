package io.pgha.core.postgres;

/**
 * One WAL sender on this server, from {@code pg_stat_replication}.
 *
 * @param pid the WAL sender's process id
 * @param user the role it connected as
 * @param applicationName the standby's application_name (its member name)
 * @param clientAddress the standby's address (null for a unix socket)
 * @param state e.g. {@code streaming}, {@code catchup}
 * @param syncState {@code async}, {@code potential}, {@code sync} or {@code quorum}
 * @param syncPriority its priority in {@code synchronous_standby_names} (0 when async)
 * @param sentLsn last WAL position sent
 * @param flushLsn last position the standby flushed
 * @param replayLsn last position the standby replayed
 */
public record ReplicationConnection(
    int pid,
    String user,
    String applicationName,
    String clientAddress,
    String state,
    String syncState,
    int syncPriority,
    Lsn sentLsn,
    Lsn flushLsn,
    Lsn replayLsn) {}
