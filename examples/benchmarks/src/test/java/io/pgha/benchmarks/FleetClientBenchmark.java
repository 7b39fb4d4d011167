package io.pgha.benchmarks;

import io.pgha.core.agent.AgentEvent;
import io.pgha.core.config.HaTimings;
import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.Progress;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet-clients benchmark: one real 3-member pgha cluster on a 3-member etcd, and M pgha-jdbc
 * DataSources watching its keys from a few application JVMs, directly or through etcd's gRPC proxy.
 * Each real switchover moves the leader key; every DataSource records when its writable leader
 * changed, and the benchmark when the key was written: per client, the difference. Around that, the
 * cost on etcd (CPU, RSS, watchers, bytes sent) with the clients idle and during the switchovers.
 * The report is rewritten after every cell.
 */
final class FleetClientBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(FleetClientBenchmark.class);
  static final String DIRECT = "direct";
  static final String PROXY = "grpc-proxy";
  private static final Duration HEALTHY = Duration.ofSeconds(180);
  private static final Duration CLIENTS_START = Duration.ofMinutes(10);
  private static final Duration ALL_SEEN = Duration.ofSeconds(30);

  /**
   * The benchmark's options ({@code -Dbench.fleet.*}).
   *
   * @param clients the client counts M, one cell each
   * @param jvms the application JVMs the clients are spread over
   * @param vias {@link #DIRECT}, {@link #PROXY} or both
   * @param switchovers switchovers per cell
   * @param preset the cluster's RTO preset
   * @param settle how long the client JVMs' start-up settles before the idle cost is measured
   * @param idleWindow how long the idle cost is measured
   * @param output where report.md and latencies.tsv go
   */
  record Options(
      List<Integer> clients,
      int jvms,
      List<String> vias,
      int switchovers,
      String preset,
      Duration settle,
      Duration idleWindow,
      Path output) {

    Options {
      clients = List.copyOf(clients);
      vias = List.copyOf(vias);
      for (String v : vias) {
        if (!v.equals(DIRECT) && !v.equals(PROXY)) {
          throw new IllegalArgumentException(
              "bench.fleet.via: unknown '" + v + "'; allowed: " + DIRECT + "," + PROXY);
        }
      }
      if (jvms < 1 || switchovers < 1 || clients.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException(
            "bench.fleet.clients, bench.fleet.jvms and bench.fleet.switchovers must be at least 1");
      }
      Benchmark.timings(preset);
    }

    static Options fromSystemProperties() {
      return new Options(
          Arrays.stream(System.getProperty("bench.fleet.clients", "100,1000,3000").split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .map(Integer::parseInt)
              .toList(),
          Integer.parseInt(System.getProperty("bench.fleet.jvms", "4").trim()),
          Arrays.stream(System.getProperty("bench.fleet.via", DIRECT + "," + PROXY).split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .toList(),
          Integer.parseInt(System.getProperty("bench.fleet.switchovers", "3").trim()),
          System.getProperty("bench.fleet.preset", "fast").trim(),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Path.of(System.getProperty("bench.output", "target/fleet-clients")));
    }
  }

  private final Options options;
  private final Map<String, String> machine = MachineInfo.describe();
  private final List<FleetClientResult> results = new ArrayList<>();
  private final Instant started = Instant.now();
  private final long baseNanos = System.nanoTime();
  private final long baseEpochMicros = FleetClientMain.epochMicros();

  FleetClientBenchmark(Options options) {
    this.options = options;
  }

  /** Runs every cell; returns the results (also written to the report). */
  List<FleetClientResult> run() {
    HaTimings t = Benchmark.timings(options.preset());
    Progress progress =
        Progress.ofSteps("fleet clients", options.vias().size() * options.clients().size());
    int step = 0;
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(3, 3, t.ttl(), t.loopWait(), t.retryTimeout())) {
      cluster.nodes().forEach(PghaBenchCluster::start);
      cluster.awaitHealthy(HEALTHY);
      String leaderKey = "/service/" + cluster.scope() + "/leader";
      try (FleetClientLeaderWatch reference =
          new FleetClientLeaderWatch(List.of(cluster.etcdEndpoints().get(0)), leaderKey)) {
        for (String via : options.vias()) {
          FleetClientGrpcProxy proxy =
              via.equals(PROXY)
                  ? new FleetClientGrpcProxy(cluster.etcdEndpoints(), options.output())
                  : null;
          try {
            for (int m : options.clients()) {
              progress.step(++step, via + ", " + m + " clients in " + options.jvms() + " JVMs");
              results.add(cell(cluster, reference, proxy, via, m));
              write();
            }
          } finally {
            if (proxy != null) {
              proxy.close();
            }
          }
        }
      }
    }
    return List.copyOf(results);
  }

  private FleetClientResult cell(
      LocalPghaCluster cluster,
      FleetClientLeaderWatch reference,
      FleetClientGrpcProxy proxy,
      String via,
      int m) {
    List<String> endpoints = proxy != null ? List.of(proxy.endpoint()) : cluster.etcdEndpoints();
    List<Long> etcdPids = cluster.etcd().members().stream().map(EtcdMember::pid).toList();
    List<String> etcdMetrics =
        cluster.etcd().members().stream().map(e -> e.clientEndpoint() + "/metrics").toList();
    List<Long> proxyPids = proxy == null ? List.of() : List.of(proxy.pid());
    long startNanos = System.nanoTime();
    Path logDir = options.output().resolve("logs");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (FleetClientJvms jvms =
        new FleetClientJvms(m, options.jvms(), endpoints, cluster.scope(), logDir, CLIENTS_START)) {
      double startSeconds = (System.nanoTime() - startNanos) / 1e9;
      LOG.info("{} clients ({}) started in {} s", m, via, startSeconds);
      Waits.sleep(options.settle().toMillis()); // the JVMs' start-up settles
      Sampler sampler = new Sampler(etcdPids, etcdMetrics, proxyPids, jvms.pids());
      Sampler.Point idleStart = sampler.sample();
      Waits.sleep(options.idleWindow().toMillis());
      FleetClientResult.Window idle = sampler.window(idleStart, sampler.sample());
      String load = FleetClientLoad.loadAverage();

      List<Double> latencies = new ArrayList<>();
      List<Double> jvmWatchLatencies = new ArrayList<>();
      List<Double> warm = new ArrayList<>();
      int missed = 0;
      List<FleetClientResult.Window> during = new ArrayList<>();
      for (int s = 1; s <= options.switchovers(); s++) {
        LocalPghaCluster.Node old = cluster.awaitHealthy(HEALTHY);
        jvms.changes(ALL_SEEN); // forget changes from before this switchover
        Sampler.Point before = sampler.sample();
        long since = System.nanoTime();
        switchover(cluster, old);
        LocalPghaCluster.Node leader = cluster.awaitNewPrimary(old, Duration.ofSeconds(60));
        Seen seen = awaitAllSeen(jvms, leader.name, m);
        during.add(sampler.window(before, sampler.sample()));
        long write = writeMoment(cluster, reference, leader.name, since);
        for (long at : seen.clients().values()) {
          latencies.add((at - write) / 1000.0);
          if (s > 1) {
            warm.add((at - write) / 1000.0);
          }
        }
        for (long at : seen.jvmWatches().values()) {
          jvmWatchLatencies.add((at - write) / 1000.0);
        }
        missed += m - seen.clients().size();
        LOG.info(
            "switchover {} -> {}: {} of {} clients saw it; p99 so far {} ms",
            old.name,
            leader.name,
            seen.clients().size(),
            m,
            FleetClientResult.ms(FleetClientResult.percentile(latencies, 99)));
      }
      return new FleetClientResult(
          via,
          m,
          options.jvms(),
          options.switchovers(),
          latencies,
          warm,
          jvmWatchLatencies,
          missed,
          startSeconds,
          idle,
          mean(during),
          load);
    }
  }

  /**
   * When the new leader's key was written: the earlier of the writer's acknowledgement (its agent's
   * {@code LeadershipAcquired} event) and the benchmark's own watch hearing it.
   */
  private long writeMoment(
      LocalPghaCluster cluster, FleetClientLeaderWatch reference, String leader, long since) {
    long sinceMicros = epochMicros(since);
    OptionalLong acquired =
        cluster
            .node(leader)
            .firstEventNanos(AgentEvent.LeadershipAcquired.class, since)
            .map(n -> OptionalLong.of(epochMicros(n)))
            .orElse(OptionalLong.empty());
    boolean heard =
        Waits.until(
            Duration.ofSeconds(5), () -> reference.firstSeen(leader, sinceMicros).isPresent());
    OptionalLong watched = heard ? reference.firstSeen(leader, sinceMicros) : OptionalLong.empty();
    if (acquired.isEmpty() && watched.isEmpty()) {
      throw new IllegalStateException("no trace of the write of " + leader + " to the leader key");
    }
    return Math.min(acquired.orElse(Long.MAX_VALUE), watched.orElse(Long.MAX_VALUE));
  }

  private long epochMicros(long nanos) {
    return baseEpochMicros + (nanos - baseNanos) / 1000;
  }

  /** Each client's first change to {@code leader}, and each JVM's own watch's. */
  private record Seen(Map<String, Long> clients, Map<String, Long> jvmWatches) {}

  /** Collects first changes to {@code leader} until all {@code m} clients have one or the bound. */
  private static Seen awaitAllSeen(FleetClientJvms jvms, String leader, int m) {
    Seen seen = new Seen(new HashMap<>(), new HashMap<>());
    long deadline = System.nanoTime() + ALL_SEEN.toNanos();
    while (true) {
      for (FleetClientJvms.Change c : jvms.changes(ALL_SEEN)) {
        if (c.leader().equals(leader)) {
          (c.client().endsWith("/raw") ? seen.jvmWatches() : seen.clients())
              .merge(c.client(), c.epochMicros(), Math::min);
        }
      }
      if (seen.clients().size() >= m || System.nanoTime() - deadline > 0) {
        return seen;
      }
      Waits.sleep(200);
    }
  }

  /** {@code POST /switchover} to the leader, to any streaming replica; retried while refused. */
  private static void switchover(LocalPghaCluster cluster, LocalPghaCluster.Node leader) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      LocalPghaCluster.Node candidate =
          cluster.othersThan(leader).stream()
              .filter(LocalPghaCluster.Node::isStreamingReplica)
              .findFirst()
              .orElse(null);
      if (candidate != null) {
        try {
          int status =
              leader.apiPost(
                  "/switchover",
                  "{\"leader\": \""
                      + leader.name
                      + "\", \"candidate\": \""
                      + candidate.name
                      + "\"}");
          if (status >= 200 && status < 300) {
            return;
          }
          LOG.info("switchover {} -> {}: HTTP {}; retrying", leader.name, candidate.name, status);
        } catch (IOException e) {
          LOG.info("switchover {}: {}; retrying", leader.name, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      Waits.check(deadline, "accepted switchover of " + leader.name + " within 60 s");
      Waits.sleep(1000);
    }
  }

  private static FleetClientResult.Window mean(List<FleetClientResult.Window> ws) {
    double seconds = ws.stream().mapToDouble(FleetClientResult.Window::seconds).sum();
    return new FleetClientResult.Window(
        seconds,
        weighted(ws, FleetClientResult.Window::etcdCpuPercent),
        weighted(ws, FleetClientResult.Window::proxyCpuPercent),
        weighted(ws, FleetClientResult.Window::clientCpuPercent),
        ws.get(ws.size() - 1).etcdRssMb(),
        ws.get(ws.size() - 1).watchers(),
        ws.get(ws.size() - 1).watchStreams(),
        weighted(ws, FleetClientResult.Window::sentKbPerSecond));
  }

  private static double weighted(
      List<FleetClientResult.Window> ws, ToDoubleFunction<FleetClientResult.Window> f) {
    double seconds = ws.stream().mapToDouble(FleetClientResult.Window::seconds).sum();
    return ws.stream().mapToDouble(w -> f.applyAsDouble(w) * w.seconds()).sum() / seconds;
  }

  /** Samples the etcd members, the proxy and the client JVMs together. */
  private record Sampler(
      List<Long> etcdPids, List<String> etcdMetrics, List<Long> proxyPids, List<Long> clientPids) {

    record Point(FleetClientLoad etcd, FleetClientLoad proxy, FleetClientLoad clients) {}

    Point sample() {
      return new Point(
          FleetClientLoad.sample(etcdPids, etcdMetrics),
          FleetClientLoad.sample(proxyPids, List.of()),
          FleetClientLoad.sample(clientPids, List.of()));
    }

    FleetClientResult.Window window(Point a, Point b) {
      return new FleetClientResult.Window(
          (b.etcd().nanos() - a.etcd().nanos()) / 1e9,
          b.etcd().cpuPercentSince(a.etcd()),
          proxyPids.isEmpty() ? Double.NaN : b.proxy().cpuPercentSince(a.proxy()),
          b.clients().cpuPercentSince(a.clients()),
          b.etcd().rssKb() / 1024.0,
          b.etcd().watchers(),
          b.etcd().watchStreams(),
          b.etcd().sentBytesPerSecondSince(a.etcd()) / 1024.0);
    }
  }

  private void write() {
    try {
      Files.createDirectories(options.output());
      Files.writeString(
          options.output().resolve("report.md"),
          new FleetClientReport(results, machine, method()).render(),
          StandardCharsets.UTF_8);
      Files.writeString(
          options.output().resolve("latencies.tsv"),
          "via\tclients\tlatency_ms\n"
              + results.stream()
                  .flatMap(
                      r ->
                          r.latenciesMs().stream()
                              .map(l -> r.via() + "\t" + r.clients() + "\t" + l + "\n"))
                  .collect(Collectors.joining()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report under " + options.output(), e);
    }
  }

  private String method() {
    HaTimings t = Benchmark.timings(options.preset());
    return "- One pgha cluster: 3 members (agents embedded in the benchmark's JVM, PostgreSQL"
        + " processes) on a 3-member etcd, all on this machine (127.0.0.1); preset "
        + options.preset()
        + " (ttl "
        + t.ttl().toSeconds()
        + " s, loop_wait "
        + t.loopWait().toSeconds()
        + " s).\n"
        + "- Clients: M pgha-jdbc `TopologyAwareDataSource`s (etcd topology source, the public"
        + " builder API) spread over "
        + options.jvms()
        + " child JVMs, each JVM an application instance holding M/"
        + options.jvms()
        + " DataSources. In one JVM, DataSources of the same etcd access share one jetcd client"
        + " (one connection); each holds its own watch on the cluster's prefix. No statement runs:"
        + " the pools stay empty.\n"
        + "- direct: the DataSources get the 3 etcd members' URLs. grpc-proxy: they get the URL"
        + " of one `etcd grpc-proxy start` in front of the 3 members.\n"
        + "- Each switchover: `POST /switchover` to the leader's API, to a streaming replica. The"
        + " write moment is the earlier of the new leader's agent acknowledging its leader-key"
        + " write (its `LeadershipAcquired` event) and the benchmark's own watch on the leader key"
        + " hearing it. Each DataSource records the wall-clock time its `PghaMetrics.topologyChanged`"
        + " hook names the new leader-key holder; latency = that minus the write moment (same machine, same"
        + " clock).\n"
        + "- What the hook sees is the leader-key holder of the topology routing installed (`PghaMetrics.topologyChanged`)."
        + " Writes go to the new leader once its member key also says primary (after its promotion,"
        + " the same moment for every client): not part of what the fan-out costs.\n"
        + "- Each client JVM also runs one raw jetcd watch on the leader key (a client of its own):"
        + " its latency (\"JVM watch\") is when the change reached the application's JVM, before"
        + " any DataSource handled it.\n"
        + "- warm p99: the switchovers after the first of each cell, when every JVM has handled a"
        + " leader change before (the first one includes loading and compiling that code path).\n"
        + "- A client that has not seen it 30 s after the new primary is up counts as"
        + " missed.\n"
        + "- Load: CPU (utime+stime from /proc/PID/stat) of the 3 etcd members together, of the"
        + " proxy, and of the client JVMs, in % of one core; RSS of the members; watchers and watch"
        + " streams (`etcd_debugging_mvcc_watcher_total`, `etcd_debugging_mvcc_watch_stream_total`"
        + " summed over the members); bytes the members sent to gRPC clients"
        + " (`etcd_network_client_grpc_sent_bytes_total`). Idle: a "
        + options.idleWindow().toSeconds()
        + " s window with the clients watching, "
        + options.settle().toSeconds()
        + " s after they all started. Switchover: from the"
        + " request until every client saw the new leader, averaged over the switchovers.\n"
        + "- Started "
        + started
        + ". The machine is shared: its 1-minute load average is in each row.\n";
  }
}
