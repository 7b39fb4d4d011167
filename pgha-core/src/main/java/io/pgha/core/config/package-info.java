/**
 * Static configuration of one pgha member: who it is, where etcd and PostgreSQL are, and the timing
 * it starts the cluster with. Built once with {@link io.pgha.core.config.PghaConfig#builder()},
 * validated as a whole, immutable afterwards.
 */
package io.pgha.core.config;
