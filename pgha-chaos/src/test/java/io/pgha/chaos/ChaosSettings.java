package io.pgha.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a chaos run does: how long, with which seed, how many clients, which faults, and the
 * cluster's timings.
 *
 * @param name the run's name (the report files are named after it)
 * @param duration how long the workload and the nemesis run
 * @param seed the seed of the fault schedule (which fault, when, how long, which victim)
 * @param clients how many clients append concurrently
 * @param synchronous synchronous mode ({@code maximum_lag_on_failover} 0): no acknowledged write
 *     may be lost; otherwise losses are reported against {@code maximumLagOnFailover}
 * @param maximumLagOnFailover the bound of asynchronous mode, in bytes
 * @param faults the faults the nemesis draws from
 * @param ttl the leader lease ttl
 * @param loopWait the HA loop period
 * @param retryTimeout etcd and PostgreSQL retry bound
 * @param convergenceBound how long the cluster may take to converge after a heal
 * @param reportDir where the history and the report go
 */
record ChaosSettings(
    String name,
    Duration duration,
    long seed,
    int clients,
    boolean synchronous,
    long maximumLagOnFailover,
    Set<Fault> faults,
    Duration ttl,
    Duration loopWait,
    Duration retryTimeout,
    Duration convergenceBound,
    Path reportDir) {

  ChaosSettings {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration (" + duration + ") must be positive");
    }
    if (clients < 1) {
      throw new IllegalArgumentException("clients (" + clients + ") must be at least 1");
    }
    if (faults.isEmpty()) {
      throw new IllegalArgumentException(
          "faults must name at least one of " + EnumSet.allOf(Fault.class));
    }
    faults = Set.copyOf(faults);
  }

  /**
   * Every fault, the rapid preset's timings (ttl 5 s), four clients, reports under target/chaos.
   */
  static ChaosSettings defaults(String name, Duration duration, long seed, boolean synchronous) {
    return new ChaosSettings(
        name,
        duration,
        seed,
        4,
        synchronous,
        1024 * 1024,
        EnumSet.allOf(Fault.class),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(120),
        Path.of("target", "chaos"));
  }

  ChaosSettings withFaults(Set<Fault> value) {
    return new ChaosSettings(
        name,
        duration,
        seed,
        clients,
        synchronous,
        maximumLagOnFailover,
        value,
        ttl,
        loopWait,
        retryTimeout,
        convergenceBound,
        reportDir);
  }
}
