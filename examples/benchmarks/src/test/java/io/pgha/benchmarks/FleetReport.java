package io.pgha.benchmarks;

import io.pgha.benchmarks.FleetLatencies.Summary;
import io.pgha.core.config.RtoPreset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the fleet benchmark's {@code report.md} and {@code results.tsv}. */
final class FleetReport {
  private final FleetBenchmark.Options options;
  private final Map<String, String> machine;
  private final List<FleetResult> results;
  private final List<String> failures;

  FleetReport(
      FleetBenchmark.Options options,
      Map<String, String> machine,
      List<FleetResult> results,
      List<String> failures) {
    this.options = options;
    this.machine = machine;
    this.results = List.copyOf(results);
    this.failures = List.copyOf(failures);
  }

  void write(Path dir) {
    try {
      Files.createDirectories(dir);
      StringBuilder tsv = new StringBuilder(FleetResult.tsvHeader()).append('\n');
      results.forEach(r -> tsv.append(r.toTsv()).append('\n'));
      Files.writeString(dir.resolve("results.tsv"), tsv, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the fleet report in " + dir, e);
    }
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Fleet benchmark: the control plane\n\n");
    b.append(
        "N clusters of 3 members on one 3-member etcd, every member running pgha's real DCS layer"
            + " (EtcdDcs: its own etcd client, the lease renewed every 250 ms on the leader and"
            + " ten times per ttl on the others, the leader's"
            + " confirming read after each renewal, the watch on the cluster's keys), driven by"
            + " the etcd calls of the HA cycle every loop_wait: refresh, the leader's"
            + " renewLeader and status, every member's key. PostgreSQL is replaced by a WAL"
            + " position that moves every cycle (a busy cluster: every member key is rewritten"
            + " every cycle). In sync mode the standby named in the sync key reads the leader's"
            + " lease (LeaseTimeToLive) every 250 ms, as LeaderSilenceWatch does. Nothing is"
            + " injected: any lease or leadership lost is the load's doing.\n\n");
    FleetGenerator generator = options.generator();
    b.append("Preset ")
        .append(options.preset().name().toLowerCase(Locale.ROOT))
        .append(" (ttl ")
        .append(options.preset().timings().ttl().toSeconds())
        .append(" s, loop_wait ")
        .append(options.preset().timings().loopWait().toSeconds())
        .append(" s); ")
        .append(
            generator.externalEtcd()
                ? "an external etcd ("
                    + String.join(
                        ", ", generator.etcdEndpoints().stream().map(Object::toString).toList())
                    + "), the same for every cell: this generator's keys are removed after each"
                    + " cell; "
                : "a fresh etcd per cell on this machine; ")
        .append("members started at ")
        .append(options.startPerSecond())
        .append(" per second at random points of their loop")
        .append(
            generator.membersPerClient() == 1
                ? ", each with an etcd client of its own; "
                : ", "
                    + generator.membersPerClient()
                    + " members per etcd client (each with its own lease, keys and watch); ")
        .append(options.warmup().toSeconds())
        .append(" s of warm-up once every cluster is set up, then a window of ")
        .append(options.window().toSeconds())
        .append(" s")
        .append(
            generator.windowAt().map(at -> " opening at " + at + " (fleet.window.at)").orElse(""))
        .append(
            ". Rates per second over the window; puts and proposals on the etcd leader; calls"
                + " summed over the etcd members (see the sources below). Keep-alive latency: one"
                + " probe lease per etcd endpoint renewed with keepAliveOnce every 250 ms under the"
                + " load (LeaseKeeper's calls are internal to the DCS layer); leader key: the whole"
                + " renewLeader (keep-alive + txn); member key: the put. ")
        .append(
            generator.externalEtcd()
                ? "etcd's figures are those of the whole etcd: with several generators on it, of"
                    + " every generator's clusters (the clusters on etcd column). Load, machine"
                    + " and generator figures are this generator's host.\n\n"
                : "The load generator runs on the same machine as etcd: its CPU and the"
                    + " machine's are in the first table.\n\n");
    b.append("## Where the etcd figures come from\n\n| figure | source |\n|---|---|\n");
    sources(generator).forEach((k, v) -> b.append(row(k, v)));
    b.append('\n');
    b.append("## Machine\n\n| | |\n|---|---|\n");
    machine.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    tables(b, results);
    if (!failures.isEmpty()) {
      b.append("\n## Not measured\n\n");
      failures.forEach(f -> b.append("- ").append(f).append('\n'));
    }
    return b.toString();
  }

  /** The tables of {@code results}: etcd's load, latencies, this generator, per member. */
  static void tables(StringBuilder b, List<FleetResult> results) {
    b.append("\n## etcd load\n\n");
    b.append(
        "| clusters | members | mode | clusters on etcd | load (1 min) | machine busy | generator"
            + " cores | etcd cores (all members) | etcd leader cores | etcd RSS MB (max) | DB MB |"
            + " puts/s | proposals/s | keep-alives/s | ranges/s | txns/s | lease reads/s |\n");
    b.append(
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (FleetResult r : results) {
      b.append(
          row(
              Integer.toString(r.clusters()),
              Integer.toString(r.members()),
              r.mode(),
              Integer.toString(r.fleetClusters()),
              f1(r.loadAverage()),
              pct(r.machineBusy()),
              f2(r.generatorCores()),
              f2(r.etcdCores()),
              f2(r.etcdLeaderCores()),
              f1(r.etcdRssMb()),
              f1(r.dbSizeMb()),
              f1(r.putsPerSecond()),
              f1(r.proposalsPerSecond()),
              f1(r.keepAlivesPerSecond()),
              f1(r.rangesPerSecond()),
              f1(r.txnsPerSecond()),
              f1(r.leaseReadsPerSecond())));
    }
    b.append("\n## Latencies (ms, p50 / p99 / max) and lost leases\n\n");
    b.append(
        "Longest without renewal: the most any member's last confirmed renewal aged (sampled"
            + " every 50 ms); the leader renews every 250 ms, the others ten times per ttl, and"
            + " each counts on its lease until ttl - ttl / 4 after its last confirmed renewal was"
            + " sent. Leases expired (etcd's own count), leases lost, leadership lost and"
            + " deadlines passed must all be 0.\n\n");
    b.append(
        "| clusters | mode | keep-alive | leader key | member key | lease read (sync) | longest"
            + " without renewal | leases expired | leases lost | leadership lost | deadlines"
            + " passed | call errors | etcd leader changes | members not set up |\n");
    b.append("|---:|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (FleetResult r : results) {
      b.append(
          row(
              Integer.toString(r.clusters()),
              r.mode(),
              lat(r.keepAlive()),
              lat(r.leaderKey()),
              lat(r.memberKey()),
              lat(r.leaseRead()),
              f0(r.renewalAgeMaxMs()),
              Long.toString(r.leasesExpired()),
              Long.toString(r.leasesLost()),
              Long.toString(r.leadershipLost()),
              Long.toString(r.deadlinesPassed()),
              Long.toString(r.callErrors()),
              Long.toString(r.etcdLeaderChanges()),
              Integer.toString(r.membersNotSetUp())));
    }
    b.append("\n## This generator\n\n");
    b.append(
        "Its clusters (scopes), when its window opened, what etcd held of the whole fleet at the"
            + " end of the window (member keys under the scope prefix, every generator's), and what"
            + " the generator cost: its JVM's live threads and CPU, per member it ran.\n\n");
    b.append(
        "| clusters | mode | scopes | window opened (UTC) | clusters / members on etcd | members"
            + " per etcd client | generator threads | threads per member | generator CPU per"
            + " member (millicores) |\n");
    b.append("|---:|---|---|---|---:|---:|---:|---:|---:|\n");
    for (FleetResult r : results) {
      FleetResult.Generator g = r.generator();
      b.append(
          row(
              Integer.toString(r.clusters()),
              r.mode(),
              g.scopes(),
              g.windowStart().toString(),
              g.fleetClusters() + " / " + g.fleetMembers(),
              Integer.toString(g.membersPerClient()),
              Integer.toString(g.threads()),
              f1((double) g.threads() / r.members()),
              f2(r.generatorCores() / r.members() * 1000)));
    }
    b.append("\n## Per member\n\n");
    b.append(
        "Cycles on time: the puts etcd saw against the puts of every cycle on time (3 member keys"
            + " and the status key per cluster per loop_wait); under 100 % the load generator did"
            + " not keep up (a machine too loaded), and every rate above is short by as much. Per"
            + " member of the whole fleet on etcd (every generator's).\n\n");
    b.append(
        "| clusters | mode | cycles on time | etcd CPU per 1,000 members (cores) | keep-alives/s"
            + " per member (without the probes') | ranges/s per member | puts/s per member |\n");
    b.append("|---:|---|---:|---:|---:|---:|---:|\n");
    for (FleetResult r : results) {
      double m = r.fleetMembers();
      b.append(
          row(
              Integer.toString(r.clusters()),
              r.mode(),
              pct(r.cyclesOnTime(loopWaitSeconds(r))),
              f2(r.etcdCores() / m * 1000),
              f2(
                  (r.keepAlivesPerSecond()
                          - FleetKeepAliveProbe.keepAlivesPerSecond(r.generator().probes()))
                      / m),
              f2(r.rangesPerSecond() / m),
              f2(r.putsPerSecond() / m)));
    }
  }

  private static long loopWaitSeconds(FleetResult r) {
    return RtoPreset.valueOf(r.preset().toUpperCase(Locale.ROOT)).timings().loopWait().toSeconds();
  }

  /** Figure by figure, where this run read it. */
  static Map<String, String> sources(FleetGenerator generator) {
    Map<String, String> m = new LinkedHashMap<>();
    if (generator.externalEtcd()) {
      m.put("etcd CPU", "`" + FleetEtcdSample.PROCESS_CPU + "` of each member's `/metrics`");
      m.put("etcd RSS", "`" + FleetEtcdSample.PROCESS_RSS + "` of each member's `/metrics`");
    } else {
      m.put("etcd CPU", "`/proc/<pid>/stat` of each member (utime + stime)");
      m.put("etcd RSS", "`/proc/<pid>/status` of each member (VmRSS)");
    }
    m.put("DB size", "`" + FleetEtcdSample.DB_SIZE + "` of the etcd leader's `/metrics`");
    m.put(
        "puts/s, proposals/s",
        "`"
            + FleetEtcdSample.PUTS
            + "`, `"
            + FleetEtcdSample.PROPOSALS
            + "` of the etcd leader's `/metrics`");
    m.put("calls/s by method", "`grpc_server_started_total` of each member's `/metrics`, summed");
    m.put(
        "leases expired, leader changes",
        "`"
            + FleetEtcdSample.LEASES_EXPIRED
            + "`, `"
            + FleetEtcdSample.LEADER_CHANGES
            + "` of each member's `/metrics`");
    m.put("the etcd leader", "`" + FleetEtcdSample.IS_LEADER + "` of each member's `/metrics`");
    m.put(
        "`/metrics`",
        generator.externalEtcd()
            ? String.join(", ", generator.metricsUrls().stream().map(Object::toString).toList())
                + ", read over HTTP within "
                + MetricsScrape.TIMEOUT.toSeconds()
                + " s and "
                + (MetricsScrape.MAX_BYTES >> 20)
                + " MB each"
            : "each member's client URL on this machine");
    m.put(
        "clusters / members on etcd",
        "member keys under `/service/" + generator.scopePrefix() + "`, at the end of the window");
    return m;
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String lat(Summary s) {
    return s.count() == 0 ? "-" : f1(s.p50Ms()) + " / " + f1(s.p99Ms()) + " / " + f0(s.maxMs());
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  private static String f0(double d) {
    return String.format(Locale.ROOT, "%.0f", d);
  }

  private static String f1(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  private static String f2(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }
}
