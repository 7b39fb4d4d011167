package io.pgha.core.postgres;

/**
 * A replication slot on the local server.
 *
 * @param name slot name
 * @param type {@code physical} or {@code logical}
 * @param active whether a WAL sender uses it now
 * @param restartLsn the oldest WAL it retains (null if none yet)
 */
public record ReplicationSlot(String name, String type, boolean active, Lsn restartLsn) {}
