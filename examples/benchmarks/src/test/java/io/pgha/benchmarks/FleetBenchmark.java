package io.pgha.benchmarks;

import io.pgha.core.config.RtoPreset;
import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet benchmark's control plane: for each fleet size and replication mode, a fresh 3-member
 * etcd and {@code clusters} x 3 {@link FleetMember}s on it; after a warm-up, one measurement window
 * of etcd's CPU, memory, size and write rate and of the members' call latencies and lost leases.
 * The report is rewritten after every cell, so an interrupted run still leaves one.
 */
final class FleetBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(FleetBenchmark.class);
  private static final int MEMBERS_PER_CLUSTER = 3;

  /** How long a sync standby waits between two reads of the leader's lease (LeaderSilenceWatch). */
  private static final long LEASE_POLL_MILLIS = 250;

  /** The benchmark's options, from system properties ({@code -Dfleet.*}). */
  record Options(
      List<Integer> clusters,
      List<String> modes,
      RtoPreset preset,
      Duration warmup,
      Duration window,
      int startPerSecond,
      Path output) {

    static Options fromSystemProperties() {
      List<Integer> clusters =
          list(System.getProperty("fleet.clusters", "10,100,300,1000")).stream()
              .map(Integer::parseInt)
              .toList();
      for (int n : clusters) {
        if (n < 1) {
          throw new IllegalArgumentException("fleet.clusters (" + n + ") must be at least 1");
        }
      }
      List<String> modes = list(System.getProperty("fleet.modes", "async,sync"));
      for (String m : modes) {
        if (!m.equals("async") && !m.equals("sync")) {
          throw new IllegalArgumentException(
              "fleet.modes: unknown mode '" + m + "'; allowed: async,sync");
        }
      }
      String preset = System.getProperty("fleet.preset", "norm").trim();
      Benchmark.timings(preset); // the same check and message as the failover benchmark's
      return new Options(
          clusters,
          modes,
          RtoPreset.valueOf(preset.toUpperCase(Locale.ROOT)),
          Duration.ofSeconds(Long.parseLong(System.getProperty("fleet.warmupSeconds", "30"))),
          Duration.ofSeconds(Long.parseLong(System.getProperty("fleet.windowSeconds", "60"))),
          Integer.parseInt(System.getProperty("fleet.startPerSecond", "100")),
          Path.of(System.getProperty("bench.output", "target/benchmark")).resolveSibling("fleet"));
    }

    private static List<String> list(String text) {
      return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }

  private final Options options;
  private final List<FleetResult> results = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, String> machine = MachineInfo.describe();
  private Progress progress;
  private int step;

  FleetBenchmark(Options options) {
    this.options = options;
  }

  /** Runs every cell and writes the report; returns the results. */
  List<FleetResult> run() {
    progress = Progress.ofSteps("fleet", options.clusters().size() * options.modes().size());
    for (int n : options.clusters()) {
      for (String mode : options.modes()) {
        progress.step(++step, n + " clusters, " + mode);
        try {
          FleetResult r = runCell(n, mode.equals("sync"));
          results.add(r);
          LOG.info(
              "{} clusters {}: etcd {} cores, keep-alive p99 {} ms, leader key p99 {} ms, leases"
                  + " lost {}",
              n,
              mode,
              String.format(Locale.ROOT, "%.2f", r.etcdCores()),
              r.keepAlive().p99Ms(),
              r.leaderKey().p99Ms(),
              r.leasesExpired() + r.leasesLost());
        } catch (RuntimeException e) {
          // A machine too small for a cell must not cost the cells after it: say so and go on.
          LOG.warn("{} clusters {}: not measured", n, mode, e);
          failures.add(n + " clusters, " + mode + ": " + e.getMessage());
        }
        new FleetReport(options, machine, results, failures).write(options.output());
      }
    }
    return List.copyOf(results);
  }

  /** The cells that could not be measured, each with why. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  private FleetResult runCell(int clusters, boolean sync) {
    String mode = sync ? "sync" : "async";
    long loopWaitMillis = options.preset().timings().loopWait().toMillis();
    FleetRecorder recorder = new FleetRecorder();
    List<FleetMember> members = new ArrayList<>();
    // Each agent has a thread of its own for its loop and one for its lease reads; the pools
    // stand in for them and must not make a member wait for another's slow call.
    ScheduledExecutorService cycles =
        pool("fleet-cycle", Math.max(16, Math.min(512, clusters * MEMBERS_PER_CLUSTER / 4)));
    ScheduledExecutorService polls =
        pool("fleet-lease-read", Math.max(8, Math.min(256, clusters / 4)));
    ScheduledExecutorService sampler = pool("fleet-sampler", 1);
    try (LocalEtcd etcd = LocalEtcd.start(3)) {
      List<String> endpoints = etcd.clientEndpoints();
      long startEvery = TimeUnit.SECONDS.toNanos(1) / options.startPerSecond();
      long next = System.nanoTime();
      for (int c = 0; c < clusters; c++) {
        String scope = String.format(Locale.ROOT, "fleet%04d", c);
        for (int i = 0; i < MEMBERS_PER_CLUSTER; i++) {
          Waits.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
          next += startEvery;
          FleetMember m = new FleetMember(endpoints, scope, i, options.preset(), sync, recorder);
          members.add(m);
          // Members start at random points of their loop, as agents started at different times.
          long phase = i == 0 ? 0 : ThreadLocalRandom.current().nextLong(loopWaitMillis);
          cycles.scheduleAtFixedRate(m::cycle, phase, loopWaitMillis, TimeUnit.MILLISECONDS);
          if (sync && i == 1) {
            polls.scheduleWithFixedDelay(
                m::pollLeaderLease, LEASE_POLL_MILLIS, LEASE_POLL_MILLIS, TimeUnit.MILLISECONDS);
          }
        }
        if ((c + 1) % 100 == 0) {
          LOG.info("{} of {} clusters started", c + 1, clusters);
        }
      }
      sampler.scheduleAtFixedRate(
          () -> {
            long now = System.nanoTime();
            members.forEach(m -> m.sampleLease(now));
          },
          FleetMember.AGE_SAMPLE_MILLIS,
          FleetMember.AGE_SAMPLE_MILLIS,
          TimeUnit.MILLISECONDS);
      Duration readyWithin = Duration.ofSeconds(60 + clusters / 5);
      int notSetUp = 0;
      if (!Waits.until(readyWithin, () -> members.stream().allMatch(FleetMember::ready))) {
        List<FleetMember> late = members.stream().filter(m -> !m.ready()).toList();
        notSetUp = late.size();
        late.stream().limit(10).forEach(m -> LOG.warn("not set up: {}", m.describe()));
        LOG.warn(
            "{} clusters {}: {} members not set up within {}; measuring anyway",
            clusters,
            mode,
            notSetUp,
            readyWithin);
      } else {
        LOG.info("{} clusters {}: all set up; warming up for {}", clusters, mode, options.warmup());
      }
      Waits.sleep(options.warmup().toMillis());
      try (FleetKeepAliveProbe probe =
          new FleetKeepAliveProbe(
              endpoints, options.preset().timings().ttl(), recorder.keepAlive)) {
        return measure(etcd, clusters, mode, recorder, notSetUp);
      }
    } finally {
      sampler.shutdownNow();
      polls.shutdownNow();
      cycles.shutdownNow();
      closeAll(members);
    }
  }

  private FleetResult measure(
      LocalEtcd etcd, int clusters, String mode, FleetRecorder recorder, int notSetUp) {
    List<EtcdMember> nodes = etcd.members();
    long self = ProcessHandle.current().pid();
    List<FleetEtcdSample> before = samples(nodes);
    double selfBefore = FleetEtcdSample.cpuSeconds(self);
    long[] machineBefore = machineTicks();
    long windowStart = System.nanoTime();
    recorder.startWindow();
    Waits.sleep(options.window().toMillis());
    recorder.stopWindow();
    double seconds = (System.nanoTime() - windowStart) / 1e9;
    double selfAfter = FleetEtcdSample.cpuSeconds(self);
    long[] machineAfter = machineTicks();
    List<FleetEtcdSample> after = samples(nodes);

    int leader = 0;
    for (int i = 0; i < after.size(); i++) {
      if (after.get(i).metric(FleetEtcdSample.IS_LEADER) > 0) {
        leader = i;
      }
    }
    double cores = 0;
    double rss = 0;
    double keepAlives = 0;
    double ranges = 0;
    double txns = 0;
    double leaseReads = 0;
    double expired = 0;
    double leaderChanges = 0;
    for (int i = 0; i < after.size(); i++) {
      FleetEtcdSample a = after.get(i);
      FleetEtcdSample b = before.get(i);
      // Each member over its own interval: a scrape can take a while on a loaded machine.
      double s = a.secondsSince(b);
      cores += (a.cpuSeconds() - b.cpuSeconds()) / s;
      rss = Math.max(rss, a.rssBytes() / 1048576.0);
      keepAlives += started(a, b, "LeaseKeepAlive") / s;
      ranges += started(a, b, "Range") / s;
      txns += started(a, b, "Txn") / s;
      leaseReads += started(a, b, "LeaseTimeToLive") / s;
      expired += a.delta(b, FleetEtcdSample.LEASES_EXPIRED);
      leaderChanges = Math.max(leaderChanges, a.delta(b, FleetEtcdSample.LEADER_CHANGES));
    }
    FleetEtcdSample la = after.get(leader);
    FleetEtcdSample lb = before.get(leader);
    double ls = la.secondsSince(lb);
    long busy = (machineAfter[0] - machineBefore[0]);
    long total = (machineAfter[1] - machineBefore[1]);
    return new FleetResult(
        clusters,
        mode,
        options.preset().name().toLowerCase(Locale.ROOT),
        (int) Math.round(seconds),
        loadAverage(),
        total == 0 ? 0 : (double) busy / total,
        (selfAfter - selfBefore) / seconds,
        cores,
        (la.cpuSeconds() - lb.cpuSeconds()) / ls,
        rss,
        la.metric(FleetEtcdSample.DB_SIZE) / 1048576.0,
        la.delta(lb, FleetEtcdSample.PUTS) / ls,
        la.delta(lb, FleetEtcdSample.PROPOSALS) / ls,
        keepAlives,
        ranges,
        txns,
        leaseReads,
        recorder.keepAlive.summary(),
        recorder.leaderKey.summary(),
        recorder.memberKey.summary(),
        recorder.leaseRead.summary(),
        recorder.renewalAge.summary().maxMs(),
        Math.round(expired),
        recorder.leasesLost.sum(),
        recorder.leadershipLost.sum(),
        recorder.deadlinesPassed.sum(),
        recorder.callErrors.sum(),
        Math.round(leaderChanges),
        notSetUp);
  }

  private static double started(FleetEtcdSample after, FleetEtcdSample before, String method) {
    return after.started().getOrDefault(method, 0.0) - before.started().getOrDefault(method, 0.0);
  }

  private static List<FleetEtcdSample> samples(List<EtcdMember> nodes) {
    return nodes.stream().map(n -> FleetEtcdSample.take(n.pid(), n.clientEndpoint())).toList();
  }

  /** Busy and total jiffies of all cores so far, from the {@code cpu} line of /proc/stat. */
  static long[] machineTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.UTF_8).get(0);
      long[] f =
          Arrays.stream(line.substring(3).trim().split("\\s+"))
              .mapToLong(Long::parseLong)
              .toArray();
      long total = 0;
      for (int i = 0; i < Math.min(8, f.length); i++) {
        total += f[i]; // user nice system idle iowait irq softirq steal
      }
      long idle = f[3] + f[4];
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The 1-minute load average. */
  static double loadAverage() {
    try {
      return Double.parseDouble(
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ")[0]);
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static ScheduledExecutorService pool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newScheduledThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Closes the members in parallel: each close waits for its client's channels. */
  private static void closeAll(List<FleetMember> members) {
    ExecutorService closer = Executors.newFixedThreadPool(8);
    members.forEach(m -> closer.execute(m::close));
    closer.shutdown();
    try {
      if (!closer.awaitTermination(2, TimeUnit.MINUTES)) {
        LOG.warn("members still closing after 2 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
