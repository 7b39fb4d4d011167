package io.pgha.benchmarks;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulated members of one fleet run saw: the latency of each kind of etcd call, and the
 * counts that must stay 0 when nothing was injected (leases lost, leadership lost, renewal
 * deadlines passed).
 */
final class FleetRecorder {
  /** The leader's {@code renewLeader} in its cycle: a keep-alive, then a txn on the leader key. */
  final FleetLatencies leaderKey = new FleetLatencies();

  /** Every member's {@code updateMember} in its cycle (a put, the member state moved). */
  final FleetLatencies memberKey = new FleetLatencies();

  /** Every member's {@code refresh} at the start of its cycle (a linearizable range read). */
  final FleetLatencies refresh = new FleetLatencies();

  /** The synchronous standby's {@code leaseTimeToLive} of the leader's lease, every 250 ms. */
  final FleetLatencies leaseRead = new FleetLatencies();

  /** {@code keepAliveOnce} of the probe leases (the call LeaseKeeper makes every 250 ms). */
  final FleetLatencies keepAlive = new FleetLatencies();

  /**
   * The age of each member's last confirmed renewal ({@code now - lastConfirmedSendNanos}), sampled
   * every {@value FleetMember#AGE_SAMPLE_MILLIS} ms: what is left of the ttl is ttl - age.
   */
  final FleetLatencies renewalAge = new FleetLatencies();

  /** A member's lease changed: the old one was gone and LeaseKeeper granted a new one. */
  final LongAdder leasesLost = new LongAdder();

  /** A leader was told it lost its leadership (deadline passed, lease gone, key moved). */
  final LongAdder leadershipLost = new LongAdder();

  /** A member's lease deadline (last confirmed send + ttl - margin) passed. */
  final LongAdder deadlinesPassed = new LongAdder();

  /** A DCS call of a cycle or a lease read failed (timeout, no leader, ...). */
  final LongAdder callErrors = new LongAdder();

  private List<FleetLatencies> all() {
    return List.of(leaderKey, memberKey, refresh, leaseRead, keepAlive, renewalAge);
  }

  /** Opens the measurement window: latencies from now on, counts from zero. */
  void startWindow() {
    all().forEach(FleetLatencies::start);
    leasesLost.reset();
    leadershipLost.reset();
    deadlinesPassed.reset();
    callErrors.reset();
  }

  void stopWindow() {
    all().forEach(FleetLatencies::stop);
  }
}
