/**
 * Control and observation of the local PostgreSQL server, with no HA decisions of its own.
 *
 * <p>{@link io.pgha.core.postgres.PostgresController} is the entry point, a facade over parts with
 * one job each: postmaster supervision, cluster creation (bootstrap), cloning, role changes (start,
 * stop, promote, demote with pg_rewind, follow; they exclude each other through one lock), fencing
 * (an immediate stop that takes no lock), {@linkplain io.pgha.core.postgres.ReplicationAdmin
 * replication slots and synchronous standbys}, and a {@link io.pgha.core.postgres.PostgresStatus
 * status probe}. It is configured by a {@link io.pgha.core.postgres.PostgresConfig}. Failures raise
 * {@link io.pgha.core.postgres.PostgresControlException} whose {@link
 * io.pgha.core.postgres.PostgresControlException.Kind kind} tells the caller what went wrong.
 */
package io.pgha.core.postgres;
