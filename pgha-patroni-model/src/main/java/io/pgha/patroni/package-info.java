/**
 * Patroni's cluster as stored in etcd, shared by the agent (pgha-core) and the client (pgha-jdbc):
 * the immutable records of one cluster (members, leader, dynamic configuration, failover request,
 * synchronous state, status and history, gathered in a {@link io.pgha.patroni.ClusterView}
 * snapshot), the key layout ({@link io.pgha.patroni.DcsKeys}) and the one codec of the values and
 * of the REST API's {@code GET /cluster} ({@link io.pgha.patroni.PatroniCodec}).
 *
 * <p>The records have no etcd or JSON types, so the HA decision function can be unit-tested without
 * either; only the codec knows JSON. Absent values are {@link java.util.Optional} (or empty
 * collections), never null. Nothing here talks to etcd or PostgreSQL.
 */
package io.pgha.patroni;
