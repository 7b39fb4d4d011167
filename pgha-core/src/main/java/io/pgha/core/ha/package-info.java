/**
 * The HA decision: a pure function from what one member observes (its PostgreSQL, the cluster view
 * from etcd, the peers' WAL positions, the time) to a {@link io.pgha.core.ha.Decision}, the actions
 * to take and one plain sentence saying why. Nothing here performs I/O, reads a clock or logs; the
 * loop observes before and acts after.
 */
package io.pgha.core.ha;
