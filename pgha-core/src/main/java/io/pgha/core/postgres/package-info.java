/**
 * Control and observation of the local PostgreSQL server, with no HA decisions of its own.
 *
 * <p>{@link io.pgha.core.postgres.PostgresController} is the entry point: bootstrap, clone, start,
 * stop, promote, demote (with pg_rewind), follow another leader, replication slots, synchronous
 * standbys and a {@link io.pgha.core.postgres.PostgresStatus status probe}. It is configured by a
 * {@link io.pgha.core.postgres.PostgresConfig}. Failures raise {@link
 * io.pgha.core.postgres.PostgresControlException} whose {@link
 * io.pgha.core.postgres.PostgresControlException.Kind kind} tells the caller what went wrong.
 */
package io.pgha.core.postgres;
