package io.pgha.benchmarks;

import io.pgha.core.config.RtoPreset;
import io.pgha.testkit.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet benchmark's control plane: for each fleet size and replication mode, a fresh 3-member
 * etcd (or an external one, see {@link FleetGenerator}) and {@code clusters} x 3 {@link
 * FleetMember}s on it; after a warm-up, one measurement window of etcd's CPU, memory, size and
 * write rate and of the members' call latencies and lost leases. The report is rewritten after
 * every cell, so an interrupted run still leaves one.
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
      Path output,
      FleetGenerator generator) {

    Options {
      if (generator.windowAt().isPresent() && clusters.size() * modes.size() != 1) {
        throw new IllegalArgumentException(
            "fleet.window.at ("
                + generator.windowAt().get()
                + ") opens one window: give one fleet.clusters and one fleet.modes value");
      }
    }

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
          Path.of(System.getProperty("bench.output", "target/benchmark")).resolveSibling("fleet"),
          FleetGenerator.fromSystemProperties());
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
    FleetGenerator generator = options.generator();
    FleetRecorder recorder = new FleetRecorder();
    List<FleetMember> members = new ArrayList<>();
    List<String> scopes = IntStream.range(0, clusters).mapToObj(generator::scope).toList();
    try (FleetEtcd etcd =
            generator.externalEtcd()
                ? FleetEtcd.external(generator)
                : FleetEtcd.start(MEMBERS_PER_CLUSTER);
        FleetKeys keys = new FleetKeys(etcd.endpoints(), generator.scopePrefix())) {
      keys.claim(scopes);
      // Each agent has a thread of its own for its loop and one for its lease reads; the pools
      // stand in for them and must not make a member wait for another's slow call.
      ScheduledExecutorService cycles =
          pool("fleet-cycle", Math.max(16, Math.min(512, clusters * MEMBERS_PER_CLUSTER / 4)));
      ScheduledExecutorService polls =
          pool("fleet-lease-read", Math.max(8, Math.min(256, clusters / 4)));
      ScheduledExecutorService sampler = pool("fleet-sampler", 1);
      try {
        startMembers(etcd.endpoints(), scopes, sync, recorder, members, cycles, polls);
        sampler.scheduleAtFixedRate(
            () -> {
              long now = System.nanoTime();
              members.forEach(m -> m.sampleLease(now));
            },
            FleetMember.AGE_SAMPLE_MILLIS,
            FleetMember.AGE_SAMPLE_MILLIS,
            TimeUnit.MILLISECONDS);
        int notSetUp = awaitSetUp(clusters, mode, members);
        Waits.sleep(options.warmup().toMillis());
        awaitWindowInstant();
        try (FleetKeepAliveProbe probe =
            new FleetKeepAliveProbe(
                etcd.endpoints(), options.preset().timings().ttl(), recorder.keepAlive)) {
          return measure(etcd, keys, clusters, mode, recorder, notSetUp);
        }
      } finally {
        sampler.shutdownNow();
        polls.shutdownNow();
        cycles.shutdownNow();
        List<Long> leases = members.stream().map(FleetMember::leaseId).toList();
        closeAll(members);
        try {
          // An external etcd outlives the run: leave it as it was found.
          keys.revoke(leases);
          keys.delete(scopes);
        } catch (RuntimeException e) {
          LOG.warn("the keys of {} are left in etcd", generator.range(clusters), e);
        }
      }
    }
  }

  /** Starts the members of {@code scopes} at the configured rate, each on its loop. */
  private void startMembers(
      List<String> endpoints,
      List<String> scopes,
      boolean sync,
      FleetRecorder recorder,
      List<FleetMember> members,
      ScheduledExecutorService cycles,
      ScheduledExecutorService polls) {
    long loopWaitMillis = options.preset().timings().loopWait().toMillis();
    int perClient = options.generator().membersPerClient();
    long startEvery = TimeUnit.SECONDS.toNanos(1) / options.startPerSecond();
    long next = System.nanoTime();
    for (String scope : scopes) {
      for (int i = 0; i < MEMBERS_PER_CLUSTER; i++) {
        Waits.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
        next += startEvery;
        int n = members.size();
        FleetMember clientOf = n % perClient == 0 ? null : members.get(n - n % perClient);
        FleetMember m =
            new FleetMember(endpoints, scope, i, options.preset(), sync, recorder, clientOf);
        members.add(m);
        // Members start at random points of their loop, as agents started at different times.
        long phase = i == 0 ? 0 : ThreadLocalRandom.current().nextLong(loopWaitMillis);
        cycles.scheduleAtFixedRate(m::cycle, phase, loopWaitMillis, TimeUnit.MILLISECONDS);
        if (sync && i == 1) {
          polls.scheduleWithFixedDelay(
              m::pollLeaderLease, LEASE_POLL_MILLIS, LEASE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
      if (members.size() % (100 * MEMBERS_PER_CLUSTER) == 0) {
        LOG.info("{} of {} clusters started", members.size() / MEMBERS_PER_CLUSTER, scopes.size());
      }
    }
  }

  /** Waits for every cluster to be set up; returns how many members were not. */
  private static int awaitSetUp(int clusters, String mode, List<FleetMember> members) {
    Duration readyWithin = Duration.ofSeconds(60 + clusters / 5);
    if (Waits.until(readyWithin, () -> members.stream().allMatch(FleetMember::ready))) {
      LOG.info("{} clusters {}: all set up", clusters, mode);
      return 0;
    }
    List<FleetMember> late = members.stream().filter(m -> !m.ready()).toList();
    late.stream().limit(10).forEach(m -> LOG.warn("not set up: {}", m.describe()));
    LOG.warn(
        "{} clusters {}: {} members not set up within {}; measuring anyway",
        clusters,
        mode,
        late.size(),
        readyWithin);
    return late.size();
  }

  /** With {@code fleet.window.at}, waits for that instant, the window of every generator. */
  private void awaitWindowInstant() {
    Optional<Instant> at = options.generator().windowAt();
    if (at.isEmpty()) {
      return;
    }
    long millis = Duration.between(Instant.now(), at.get()).toMillis();
    if (millis < 0) {
      throw new IllegalStateException(
          "fleet.window.at ("
              + at.get()
              + ") passed "
              + (-millis / 1000)
              + " s before the warm-up ended: give every generator a later instant");
    }
    LOG.info("window opens at {}, in {} s", at.get(), millis / 1000);
    Waits.sleep(millis);
  }

  private FleetResult measure(
      FleetEtcd etcd,
      FleetKeys keys,
      int clusters,
      String mode,
      FleetRecorder recorder,
      int notSetUp) {
    long self = ProcessHandle.current().pid();
    List<FleetEtcdSample> before = etcd.sample();
    double selfBefore = FleetEtcdSample.cpuSeconds(self);
    long[] machineBefore = machineTicks();
    Instant windowStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long windowStartNanos = System.nanoTime();
    recorder.startWindow();
    Waits.sleep(options.window().toMillis());
    recorder.stopWindow();
    double seconds = (System.nanoTime() - windowStartNanos) / 1e9;
    double selfAfter = FleetEtcdSample.cpuSeconds(self);
    long[] machineAfter = machineTicks();
    int generatorThreads = ManagementFactory.getThreadMXBean().getThreadCount();
    LOG.info("{} clusters {}: generator threads by name: {}", clusters, mode, threadCensus());
    List<FleetEtcdSample> after = etcd.sample();
    FleetKeys.Count fleet = keys.count();

    int leader = -1;
    for (int i = 0; i < after.size(); i++) {
      if (after.get(i).metric(FleetEtcdSample.IS_LEADER) > 0) {
        leader = i;
      }
    }
    if (leader < 0) {
      LOG.warn("no etcd leader among {}: the leader's figures are not measured", etcd.endpoints());
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
    // Every member applies every write: without a leader among them, any member's counts do.
    FleetEtcdSample la = after.get(Math.max(0, leader));
    FleetEtcdSample lb = before.get(Math.max(0, leader));
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
        leader < 0 ? Double.NaN : (la.cpuSeconds() - lb.cpuSeconds()) / ls,
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
        notSetUp,
        new FleetResult.Generator(
            options.generator().range(clusters),
            windowStart,
            etcd.readThroughMetrics(),
            etcd.endpoints().size(),
            options.generator().membersPerClient(),
            generatorThreads,
            fleet.clusters(),
            fleet.members()));
  }

  /** The JVM's live threads counted by name, digits folded: where the generator's threads go. */
  static Map<String, Long> threadCensus() {
    return Thread.getAllStackTraces().keySet().stream()
        .collect(
            Collectors.groupingBy(
                t -> t.getName().replaceAll("[0-9]+", "#"), TreeMap::new, Collectors.counting()));
  }

  private static double started(FleetEtcdSample after, FleetEtcdSample before, String method) {
    return after.started().getOrDefault(method, 0.0) - before.started().getOrDefault(method, 0.0);
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
