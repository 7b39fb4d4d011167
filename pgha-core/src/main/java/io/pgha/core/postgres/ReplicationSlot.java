package io.pgha.core.postgres;

/**
 * A replication slot on the local server.
 *
 * @param name slot name
 * @param type {@code physical} or {@code logical}
 * @param active whether a WAL sender uses it now
 * @param restartLsn the oldest WAL it retains (null if none yet)
 * @param position where its consumer is, as Patroni publishes it in the {@code status} key: a
 *     logical slot's {@code confirmed_flush_lsn}, a physical slot's {@code restart_lsn} (null if
 *     none yet)
 * @param database a logical slot's database (null for a physical slot)
 * @param plugin a logical slot's output plugin (null for a physical slot)
 */
public record ReplicationSlot(
    String name,
    String type,
    boolean active,
    Lsn restartLsn,
    Lsn position,
    String database,
    String plugin) {}
