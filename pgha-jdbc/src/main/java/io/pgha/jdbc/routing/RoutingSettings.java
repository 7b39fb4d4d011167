package io.pgha.jdbc.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * What routing needs to know, built by the DataSource from its configuration; applications
 * configure these through {@code PghaDataSourceConfig}.
 *
 * @param pools how each member's pool connects and is sized
 * @param readPolicy how reads are spread over the replicas that qualify
 * @param maxReplicaLagBytes the largest lag of a replica that takes reads; negative means no bound
 * @param fallbackToLeader whether reads go to the leader when no replica qualifies
 * @param leaderWaitTimeout how long a write waits for a leader
 * @param replayLagProbeInterval how often replicas are asked for their replay backlog; zero: never
 * @param replicaCircuitOpenDuration how often a replica whose read failed is checked again
 * @param metrics receives routing's events
 */
public record RoutingSettings(
    MemberPoolSettings pools,
    ReadPolicy readPolicy,
    long maxReplicaLagBytes,
    boolean fallbackToLeader,
    Duration leaderWaitTimeout,
    Duration replayLagProbeInterval,
    Duration replicaCircuitOpenDuration,
    PghaMetrics metrics) {

  public RoutingSettings {
    Objects.requireNonNull(pools, "pools");
    Objects.requireNonNull(readPolicy, "readPolicy");
    Objects.requireNonNull(leaderWaitTimeout, "leaderWaitTimeout");
    Objects.requireNonNull(replayLagProbeInterval, "replayLagProbeInterval");
    Objects.requireNonNull(replicaCircuitOpenDuration, "replicaCircuitOpenDuration");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** The name of the DataSource, in thread names and log lines. */
  public String poolName() {
    return pools.poolName();
  }
}
