package io.pgha.benchmarks;

import io.pgha.benchmarks.FleetLatencies.Summary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * One cell of the fleet benchmark: {@code clusters} clusters of 3 members in one replication mode,
 * measured over one window on a 3-member etcd.
 *
 * @param loadAverage the machine's 1-minute load average at the end of the window
 * @param machineBusy the share of the machine's CPU time (all cores) spent busy in the window
 * @param generatorCores the CPU the load generator's JVM used, in cores
 * @param etcdCores the CPU of the 3 etcd members together, in cores
 * @param etcdLeaderCores the CPU of the etcd leader, in cores
 * @param etcdRssMb the largest RSS of the 3 members
 * @param dbSizeMb the leader's backend size at the end of the window
 * @param putsPerSecond {@code etcd_mvcc_put_total} on the leader, per second
 * @param proposalsPerSecond {@code etcd_server_proposals_committed_total} on the leader, per second
 * @param keepAlivesPerSecond keep-alive streams opened on the 3 members (one per keepAliveOnce)
 * @param rangesPerSecond Range calls on the 3 members (refresh, leader confirmation)
 * @param txnsPerSecond Txn calls on the 3 members (leader key, status, guarded writes)
 * @param leaseReadsPerSecond LeaseTimeToLive calls on the 3 members
 * @param renewalAgeMaxMs the longest any member went without a confirmed renewal (of its ttl)
 * @param leasesExpired {@code etcd_debugging_server_lease_expired_total}: leases etcd expired
 * @param leasesLost members whose lease was replaced (the old one was gone)
 * @param leadershipLost leaders told they lost their leadership
 * @param deadlinesPassed lease deadlines (send + ttl - margin) that passed
 * @param callErrors DCS calls that failed (timeouts, no leader)
 * @param etcdLeaderChanges raft leader changes in the window
 * @param membersNotSetUp members whose cluster was not complete when the warm-up began (a machine
 *     too loaded to start them all in time); 0 normally
 * @param generator this generator's part of the fleet and its cost
 */
record FleetResult(
    int clusters,
    String mode,
    String preset,
    int windowSeconds,
    double loadAverage,
    double machineBusy,
    double generatorCores,
    double etcdCores,
    double etcdLeaderCores,
    double etcdRssMb,
    double dbSizeMb,
    double putsPerSecond,
    double proposalsPerSecond,
    double keepAlivesPerSecond,
    double rangesPerSecond,
    double txnsPerSecond,
    double leaseReadsPerSecond,
    Summary keepAlive,
    Summary leaderKey,
    Summary memberKey,
    Summary leaseRead,
    double renewalAgeMaxMs,
    long leasesExpired,
    long leasesLost,
    long leadershipLost,
    long deadlinesPassed,
    long callErrors,
    long etcdLeaderChanges,
    int membersNotSetUp,
    Generator generator) {

  /**
   * Which part of the fleet this generator ran, what it cost, and what etcd held of the whole fleet
   * (every generator with the same scope prefix).
   *
   * @param scopes this generator's clusters, first to last
   * @param windowStart the wall-clock instant the window opened
   * @param etcdThroughMetrics etcd's CPU and RSS read from its members' {@code /metrics} (an
   *     external etcd), not from {@code /proc}
   * @param probes the probe leases this generator renewed (one per etcd endpoint)
   * @param membersPerClient members sharing one etcd client
   * @param threads the generator JVM's live threads at the end of the window
   * @param fleetClusters clusters with a member key in etcd at the end of the window
   * @param fleetMembers member keys in etcd at the end of the window
   */
  record Generator(
      String scopes,
      Instant windowStart,
      boolean etcdThroughMetrics,
      int probes,
      int membersPerClient,
      int threads,
      int fleetClusters,
      int fleetMembers) {}

  /** This generator's members. */
  int members() {
    return clusters * 3;
  }

  /** The members of the whole fleet on etcd (all generators'); this generator's if none counted. */
  int fleetMembers() {
    return generator.fleetMembers() > 0 ? generator.fleetMembers() : members();
  }

  /** The clusters of the whole fleet on etcd (all generators'). */
  int fleetClusters() {
    return generator.fleetClusters() > 0 ? generator.fleetClusters() : clusters;
  }

  /**
   * The puts etcd saw against those of every cycle on time: each cluster of the fleet writes its 3
   * member keys and its status key once per {@code loop_wait}.
   */
  double cyclesOnTime(long loopWaitSeconds) {
    return putsPerSecond / (4.0 * fleetClusters() / loopWaitSeconds);
  }

  /** Every lease and leadership kept: the one figure that must hold. */
  boolean noLeaseLost() {
    return leasesExpired == 0 && leasesLost == 0 && leadershipLost == 0 && deadlinesPassed == 0;
  }

  static String tsvHeader() {
    List<String> h =
        new ArrayList<>(
            List.of(
                "clusters",
                "mode",
                "preset",
                "window_s",
                "load1",
                "machine_busy",
                "generator_cores",
                "etcd_cores",
                "etcd_leader_cores",
                "etcd_rss_mb",
                "db_mb",
                "puts_s",
                "proposals_s",
                "keepalives_s",
                "ranges_s",
                "txns_s",
                "lease_reads_s"));
    for (String s : List.of("keepalive", "leader_key", "member_key", "lease_read")) {
      h.addAll(List.of(s + "_n", s + "_p50_ms", s + "_p99_ms", s + "_max_ms"));
    }
    h.addAll(
        List.of(
            "renewal_age_max_ms",
            "leases_expired",
            "leases_lost",
            "leadership_lost",
            "deadlines_passed",
            "call_errors",
            "etcd_leader_changes",
            "not_set_up",
            "scopes",
            "window_start",
            "etcd_figures_from",
            "probes",
            "members_per_client",
            "generator_threads",
            "fleet_clusters",
            "fleet_members"));
    return String.join("\t", h);
  }

  String toTsv() {
    List<String> v =
        new ArrayList<>(
            List.of(
                Integer.toString(clusters),
                mode,
                preset,
                Integer.toString(windowSeconds),
                f(loadAverage),
                f(machineBusy),
                f(generatorCores),
                f(etcdCores),
                f(etcdLeaderCores),
                f(etcdRssMb),
                f(dbSizeMb),
                f(putsPerSecond),
                f(proposalsPerSecond),
                f(keepAlivesPerSecond),
                f(rangesPerSecond),
                f(txnsPerSecond),
                f(leaseReadsPerSecond)));
    for (Summary s : List.of(keepAlive, leaderKey, memberKey, leaseRead)) {
      v.addAll(List.of(Long.toString(s.count()), f(s.p50Ms()), f(s.p99Ms()), f(s.maxMs())));
    }
    v.addAll(
        List.of(
            f(renewalAgeMaxMs),
            Long.toString(leasesExpired),
            Long.toString(leasesLost),
            Long.toString(leadershipLost),
            Long.toString(deadlinesPassed),
            Long.toString(callErrors),
            Long.toString(etcdLeaderChanges),
            Integer.toString(membersNotSetUp),
            generator.scopes(),
            generator.windowStart().toString(),
            generator.etcdThroughMetrics() ? "metrics" : "proc",
            Integer.toString(generator.probes()),
            Integer.toString(generator.membersPerClient()),
            Integer.toString(generator.threads()),
            Integer.toString(generator.fleetClusters()),
            Integer.toString(generator.fleetMembers())));
    return String.join("\t", v);
  }

  /** A row of {@link #toTsv()}, by the column names of {@link #tsvHeader()}. */
  static FleetResult fromTsv(Map<String, String> row) {
    Function<String, String> text =
        name -> {
          String v = row.get(name);
          if (v == null) {
            throw new IllegalArgumentException(
                "results.tsv has no column " + name + ": written by an older benchmark?");
          }
          return v;
        };
    ToDoubleFunction<String> d = name -> Double.parseDouble(text.apply(name));
    ToLongFunction<String> l = name -> Long.parseLong(text.apply(name));
    Function<String, Summary> summary =
        s ->
            new Summary(
                l.applyAsLong(s + "_n"),
                d.applyAsDouble(s + "_p50_ms"),
                d.applyAsDouble(s + "_p99_ms"),
                d.applyAsDouble(s + "_max_ms"));
    return new FleetResult(
        (int) l.applyAsLong("clusters"),
        text.apply("mode"),
        text.apply("preset"),
        (int) l.applyAsLong("window_s"),
        d.applyAsDouble("load1"),
        d.applyAsDouble("machine_busy"),
        d.applyAsDouble("generator_cores"),
        d.applyAsDouble("etcd_cores"),
        d.applyAsDouble("etcd_leader_cores"),
        d.applyAsDouble("etcd_rss_mb"),
        d.applyAsDouble("db_mb"),
        d.applyAsDouble("puts_s"),
        d.applyAsDouble("proposals_s"),
        d.applyAsDouble("keepalives_s"),
        d.applyAsDouble("ranges_s"),
        d.applyAsDouble("txns_s"),
        d.applyAsDouble("lease_reads_s"),
        summary.apply("keepalive"),
        summary.apply("leader_key"),
        summary.apply("member_key"),
        summary.apply("lease_read"),
        d.applyAsDouble("renewal_age_max_ms"),
        l.applyAsLong("leases_expired"),
        l.applyAsLong("leases_lost"),
        l.applyAsLong("leadership_lost"),
        l.applyAsLong("deadlines_passed"),
        l.applyAsLong("call_errors"),
        l.applyAsLong("etcd_leader_changes"),
        (int) l.applyAsLong("not_set_up"),
        new Generator(
            text.apply("scopes"),
            Instant.parse(text.apply("window_start")),
            text.apply("etcd_figures_from").equals("metrics"),
            (int) l.applyAsLong("probes"),
            (int) l.applyAsLong("members_per_client"),
            (int) l.applyAsLong("generator_threads"),
            (int) l.applyAsLong("fleet_clusters"),
            (int) l.applyAsLong("fleet_members")));
  }

  private static String f(double d) {
    return String.format(Locale.ROOT, "%.3f", d);
  }
}
