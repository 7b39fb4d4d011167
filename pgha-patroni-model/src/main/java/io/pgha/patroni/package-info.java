/**
 * The immutable model of one cluster as stored in etcd (Patroni's keys): members, leader, dynamic
 * configuration, failover request, synchronous state, status and history, gathered in a {@link
 * io.pgha.patroni.ClusterView} snapshot.
 *
 * <p>Plain records with no etcd or JSON types, so the HA decision function can be unit-tested
 * without either. Absent values are {@link java.util.Optional} (or empty collections), never null.
 */
package io.pgha.patroni;
