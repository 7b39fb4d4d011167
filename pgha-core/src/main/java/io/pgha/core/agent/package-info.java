/**
 * The HA loop and its side effects: observing the local PostgreSQL and the peers, running the pure
 * decision of {@code io.pgha.core.ha}, and carrying it out on etcd and PostgreSQL.
 */
package io.pgha.core.agent;
