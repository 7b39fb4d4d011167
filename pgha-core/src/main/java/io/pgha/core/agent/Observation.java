package io.pgha.core.agent;

import io.pgha.core.ha.LocalState;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;

/**
 * What one cycle saw, once: the view it decided on (read from etcd, or the watched one when the
 * decision is steady: see {@link HaLoop}), the configuration in effect, the probe of the local
 * PostgreSQL and the local state built from them. It feeds the decision and what the member
 * publishes.
 */
record Observation(
    ClusterView view, DynamicConfig config, PostgresStatus status, LocalState local) {}
