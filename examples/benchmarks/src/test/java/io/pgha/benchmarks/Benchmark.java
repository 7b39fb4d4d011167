package io.pgha.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgha.core.config.HaTimings;
import io.pgha.core.config.RtoPreset;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.testkit.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover benchmark: for each system (pgha, optionally Patroni), preset and replication mode
 * it starts one cluster with HAProxy in front and two probe clients, then injects every scenario
 * {@code runs} times, healing and waiting for a healthy cluster between runs. Results are written
 * after every cluster, so an interrupted run still leaves a report.
 */
final class Benchmark {
  private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
  private static final Duration HEALTHY = Duration.ofSeconds(180);
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Duration BASELINE = Duration.ofSeconds(2);

  /** How long a replica failure is watched: HAProxy needs fall 3 x inter 3 s to drop a server. */
  private static final Duration REPLICA_WATCH = Duration.ofSeconds(15);

  /** Consecutive successful writes and reads that make a client steady again. */
  private static final int STEADY = 10;

  /** The benchmark's options, from system properties ({@code -Dbench.*}). */
  record Options(
      int runs,
      List<String> systems,
      List<Scenario> scenarios,
      List<String> presets,
      List<String> modes,
      Map<String, String> pgParameters,
      boolean haproxyFastChecks,
      Path output,
      Path jmhResult) {

    static Options fromSystemProperties() {
      int runs = Integer.parseInt(System.getProperty("bench.runs", "3").trim());
      if (runs < 1) {
        throw new IllegalArgumentException("bench.runs (" + runs + ") must be at least 1");
      }
      List<String> systems = systems(System.getProperty("bench.systems", ""));
      List<String> presets = list(System.getProperty("bench.presets", "fast,norm"));
      presets.forEach(Benchmark::timings);
      List<String> modes = list(System.getProperty("bench.modes", "async,sync"));
      for (String m : modes) {
        if (!m.equals("async") && !m.equals("sync")) {
          throw new IllegalArgumentException(
              "bench.modes: unknown mode '" + m + "'; allowed: async,sync");
        }
      }
      String jmh = System.getProperty("bench.jmhResult", "");
      return new Options(
          runs,
          systems,
          Scenario.parse(
              System.getProperty(
                  "bench.scenarios",
                  "host,pgcrash,switchover,replica,etcdcut,freeze,freezereplica")),
          presets,
          modes,
          ServerParameters.parse(System.getProperty("bench.pgParameters", "")),
          Boolean.parseBoolean(System.getProperty("bench.haproxyFastChecks", "false").trim()),
          Path.of(System.getProperty("bench.output", "target/benchmark")),
          jmh.isBlank() ? null : Path.of(jmh));
    }

    /**
     * {@code bench.systems} when given (a subset of pgha,patroni, e.g. to repeat Patroni's cells
     * alone); otherwise pgha, and Patroni too with {@code bench.patroni=true}.
     */
    private static List<String> systems(String given) {
      if (given.isBlank()) {
        return Boolean.parseBoolean(System.getProperty("bench.patroni", "false").trim())
            ? List.of(Report.PGHA, Report.PATRONI)
            : List.of(Report.PGHA);
      }
      List<String> systems = list(given);
      for (String s : systems) {
        if (!s.equals(Report.PGHA) && !s.equals(Report.PATRONI)) {
          throw new IllegalArgumentException(
              "bench.systems: unknown system '"
                  + s
                  + "'; allowed: "
                  + Report.PGHA
                  + ","
                  + Report.PATRONI);
        }
      }
      return systems;
    }

    private static List<String> list(String text) {
      return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }

  private final Options options;
  private final List<RunResult> results = new ArrayList<>();
  private final Map<String, String> machine = MachineInfo.describe();
  private final Instant started = Instant.now();
  private int clusters;
  private Progress progress;
  private int step;

  Benchmark(Options options) {
    this.options = options;
  }

  /** The preset's timings; names are RtoPreset's, case-insensitive. */
  static HaTimings timings(String preset) {
    try {
      return RtoPreset.valueOf(preset.toUpperCase(Locale.ROOT)).timings();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bench.presets: unknown preset '"
              + preset
              + "'; allowed: "
              + Arrays.stream(RtoPreset.values())
                  .map(p -> p.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(",")),
          e);
    }
  }

  /** Runs the whole matrix and writes the report; returns every run's results. */
  List<RunResult> run() {
    progress =
        Progress.ofSteps(
            "benchmark",
            options.presets().size()
                * options.modes().size()
                * options.systems().size()
                * options.scenarios().size()
                * options.runs());
    for (String preset : options.presets()) {
      for (String mode : options.modes()) {
        for (String system : options.systems()) {
          runCluster(system, preset, mode);
          write();
        }
      }
    }
    write();
    return List.copyOf(results);
  }

  private BenchCluster start(String system, String preset, boolean sync) {
    HaTimings t = timings(preset);
    if (system.equals(Report.PGHA)) {
      boolean ownJvms = options.scenarios().stream().anyMatch(Scenario::freezes);
      return new PghaBenchCluster(t.ttl(), t.loopWait(), t.retryTimeout(), sync, ownJvms);
    }
    return new PatroniBenchCluster(
        "bench" + (++clusters),
        (int) t.ttl().toSeconds(),
        (int) t.loopWait().toSeconds(),
        (int) t.retryTimeout().toSeconds(),
        sync);
  }

  private void runCluster(String system, String preset, String mode) {
    LOG.info("starting {} cluster: preset {}, {}", system, preset, mode);
    HaTimings timings = timings(preset);
    try (BenchCluster cluster = start(system, preset, mode.equals("sync"))) {
      cluster.awaitHealthy(HEALTHY);
      try (Connection c = cluster.connect(cluster.leader().orElseThrow())) {
        Probe.createTable(c);
      }
      ServerParameters.apply(cluster, options.pgParameters(), HEALTHY);
      try (HaproxyFront front = new HaproxyFront(cluster, options.haproxyFastChecks());
          TopologyAwareDataSource pgha = new TopologyAwareDataSource(pghaJdbc(cluster));
          HikariDataSource hikariWrites = hikari(cluster, front.primaryPort, "haproxy-primary");
          HikariDataSource hikariReads = hikari(cluster, front.replicaPort, "haproxy-replica");
          Probe viaPgha = new Probe(Probe.PGHA_JDBC, pgha, pgha.readOnly(), 1_000_000_000_000L);
          Probe viaHaproxy =
              new Probe(Probe.HIKARI_HAPROXY, hikariWrites, hikariReads, 2_000_000_000_000L)) {
        List<Probe> probes = List.of(viaPgha, viaHaproxy);
        // Every run starts with pgha-jdbc reading from every replica again: a replica that failed
        // in the last run comes back only when its recheck reaches it (every 5 s by default), and
        // a run that starts before would find it out of rotation already.
        BooleanSupplier ready =
            () -> pgha.readableReplicas().size() >= cluster.members().size() - 1;
        settle(probes, ready);
        runs:
        for (Scenario scenario : options.scenarios()) {
          for (int run = 1; run <= options.runs(); run++) {
            progress.step(
                ++step, String.join(" ", system, preset, mode, scenario.id, "run " + run));
            Run r =
                new Run(cluster, front, probes, List.of(hikariWrites, hikariReads), timings, ready);
            results.addAll(r.execute(scenario, preset, mode, run));
            if (!r.healthyAfter) {
              LOG.warn(
                  "{} {} {}: not healthy after {} run {}; this cluster's remaining runs are"
                      + " skipped",
                  system,
                  preset,
                  mode,
                  scenario.id,
                  run);
              break runs;
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          system + " " + preset + " " + mode + ": " + e.getMessage(), e);
    }
  }

  private static PghaDataSourceConfig pghaJdbc(BenchCluster cluster) {
    return PghaDataSourceConfig.builder()
        .etcd(cluster.etcdEndpoints())
        .namespace(cluster.namespace())
        .scope(cluster.scope())
        .username("postgres")
        .password(cluster.password())
        .leaderWaitTimeout(Duration.ofSeconds(15))
        .connectionProperty("socketTimeout", "10")
        .build();
  }

  private static HikariDataSource hikari(BenchCluster cluster, int port, String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
    c.setUsername("postgres");
    c.setPassword(cluster.password());
    c.setMaximumPoolSize(2);
    c.setConnectionTimeout(1000);
    c.addDataSourceProperty("connectTimeout", "2");
    c.addDataSourceProperty("socketTimeout", "10");
    c.setPoolName(name);
    return new HikariDataSource(c);
  }

  /** Waits (bounded) until every client writes and reads successfully again. */
  static void settle(List<Probe> probes, BooleanSupplier ready) {
    long since = System.nanoTime();
    if (!Waits.until(
        SETTLE,
        () ->
            probes.stream().allMatch(p -> p.steadySince(since, STEADY)) && ready.getAsBoolean())) {
      LOG.warn("clients not steady within {}; the next run starts anyway", SETTLE);
    }
  }

  /** One run of one scenario on a running cluster. */
  private static final class Run {
    private final BenchCluster cluster;
    private final HaproxyFront front;
    private final List<Probe> probes;
    private final List<HikariDataSource> hikariPools;
    private final HaTimings timings;
    private final BooleanSupplier ready;

    /**
     * Whether the cluster was healthy again after healing (else the run's lost count is partial).
     */
    boolean healthyAfter = true;

    Run(
        BenchCluster cluster,
        HaproxyFront front,
        List<Probe> probes,
        List<HikariDataSource> hikariPools,
        HaTimings timings,
        BooleanSupplier ready) {
      this.ready = ready;
      this.cluster = cluster;
      this.front = front;
      this.probes = probes;
      this.hikariPools = hikariPools;
      this.timings = timings;
    }

    List<RunResult> execute(Scenario scenario, String preset, String mode, int run)
        throws SQLException {
      long runStart = System.nanoTime();
      probes.forEach(p -> p.forgetBefore(runStart));
      Waits.sleep(BASELINE.toMillis());
      String leader = cluster.leader().orElseThrow(() -> new IllegalStateException("no leader"));
      String victim =
          scenario.hitsReplica()
              ? cluster.members().stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow()
              : leader;
      LOG.info(
          "{} {} {} {} run {}: injecting on {} (leader {})",
          cluster.system(),
          preset,
          mode,
          scenario.id,
          run,
          victim,
          leader);
      LeaderKeyWatch keyWatch =
          scenario.movesLeader()
              ? new LeaderKeyWatch(
                  cluster.etcdEndpoints().get(0),
                  cluster.namespace() + "/" + cluster.scope() + "/leader",
                  leader)
              : null;
      long fault = inject(scenario, victim, mode.equals("sync"));
      LOG.info(
          "{} injected in {} ms",
          scenario.id,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fault));
      Duration limit = timings.ttl().multipliedBy(2).plusSeconds(60);
      long deadline = fault + limit.toNanos();
      long event = awaitEvent(scenario, leader, fault, deadline);
      long minEnd = fault + (scenario.hitsReplica() ? REPLICA_WATCH.toNanos() : 0);
      Waits.until(
          Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
          () ->
              System.nanoTime() - minEnd >= 0
                  && probes.stream().allMatch(p -> p.steadySince(event, STEADY)));
      long end = System.nanoTime();
      // Asked before healing, so that only the reaction to this fault counts.
      long fastTakeoverMs = cluster.fastTakeoverSilenceMs(fault).orElse(-1);
      OptionalLong keyMoved = OptionalLong.empty();
      if (keyWatch != null) {
        keyWatch.close();
        keyMoved = keyWatch.movedNanos();
      }
      heal(scenario, victim);
      try {
        cluster.awaitHealthy(HEALTHY);
      } catch (IllegalStateException e) {
        // Keep what the clients saw; the lost writes are counted on whoever leads now, if anyone.
        LOG.warn("{} run {}: {}", scenario.id, run, e.getMessage());
        healthyAfter = false;
      }
      if (healthyAfter && front.refresh()) {
        hikariPools.forEach(p -> p.getHikariPoolMXBean().softEvictConnections());
      }
      double runSeconds = (System.nanoTime() - fault) / 1e9;
      String newLeader = cluster.leader().orElse(null);
      if (scenario.movesLeader()) {
        LOG.info(
            "{} run {}: {} took over from {} by {}",
            scenario.id,
            run,
            newLeader,
            leader,
            fastTakeoverMs >= 0
                ? "the fast takeover after " + fastTakeoverMs + " ms of leader silence"
                : "the ordinary path (no fast takeover)");
      }
      if (scenario == Scenario.FREEZE && leader.equals(newLeader)) {
        // Patroni 3.0.2 does this: thawed, it overwrites the leader key from its stale view.
        LOG.warn("freeze run {}: the thawed old leader {} leads again", run, leader);
      }
      List<RunResult> out = new ArrayList<>();
      for (Probe p : probes) {
        List<Attempt> attempts = p.attempts();
        List<Attempt> writes = Unavailability.between(attempts, true, runStart, end);
        List<Attempt> reads = Unavailability.between(attempts, false, runStart, end);
        List<Long> acked = writes.stream().filter(Attempt::ok).map(Attempt::id).toList();
        long lost = newLeader == null ? -1 : acked.size() - countPresent(newLeader, acked);
        List<Attempt> both = new ArrayList<>(writes);
        both.addAll(reads);
        RunResult r =
            new RunResult(
                cluster.system(),
                preset,
                mode,
                scenario.id,
                run,
                p.name,
                TimeUnit.NANOSECONDS.toMillis(
                    Unavailability.longestGapNanos(attempts, true, fault, end)),
                TimeUnit.NANOSECONDS.toMillis(
                    Unavailability.longestGapNanos(attempts, false, fault, end)),
                acked.size(),
                lost,
                writes.stream().filter(a -> !a.ok()).count(),
                reads.stream().filter(a -> !a.ok()).count(),
                runSeconds,
                Unavailability.errorKinds(both),
                keyMoved.isPresent()
                    ? nanosToMillisOrMinusOne(
                        Unavailability.firstSuccessAfterNanos(
                            attempts, true, keyMoved.getAsLong(), end))
                    : -1,
                fastTakeoverMs);
        LOG.info("result: {}", r.toTsv());
        out.add(r);
      }
      if (healthyAfter) {
        settle(probes, ready);
      }
      return out;
    }

    private static long nanosToMillisOrMinusOne(long nanos) {
      return nanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Injects the fault; returns the {@link System#nanoTime()} it happened at. */
    private long inject(Scenario scenario, String victim, boolean sync) {
      switch (scenario) {
        case HOST, REPLICA -> {
          long at = System.nanoTime();
          cluster.killHost(victim);
          return at;
        }
        case PGCRASH -> {
          long at = System.nanoTime();
          cluster.killPostgres(victim);
          return at;
        }
        case ETCDCUT -> {
          long at = System.nanoTime();
          cluster.cutFromEtcd(victim);
          return at;
        }
        case FREEZE, FREEZE_REPLICA -> {
          long at = System.nanoTime();
          cluster.freezeHost(victim);
          return at;
        }
        case SWITCHOVER -> {
          return switchover(victim, sync);
        }
        default -> throw new IllegalArgumentException("scenario " + scenario);
      }
    }

    /**
     * {@code POST /switchover} to the leader's API with the leader and a candidate (a synchronous
     * standby in synchronous mode), as patronictl sends it; retried while the cluster is not ready.
     */
    private long switchover(String leader, boolean sync) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        String candidate =
            cluster.members().stream()
                .filter(m -> !m.equals(leader))
                .filter(m -> cluster.apiStatus(m, sync ? "/sync" : "/replica") == 200)
                .findFirst()
                .orElse(null);
        if (candidate != null) {
          long at = System.nanoTime();
          int status =
              cluster.post(
                  leader,
                  "/switchover",
                  "{\"leader\": \"" + leader + "\", \"candidate\": \"" + candidate + "\"}");
          if (status >= 200 && status < 300) {
            return at;
          }
          LOG.info("switchover {} -> {}: HTTP {}; retrying", leader, candidate, status);
        }
        Waits.check(deadline, "accepted switchover of " + leader + " within 60 s");
        Waits.sleep(1000);
      }
    }

    /** Waits until the cluster has reacted to the fault; returns when, or the deadline. */
    private long awaitEvent(Scenario scenario, String oldLeader, long fault, long deadline) {
      if (scenario.hitsReplica()) {
        return fault;
      }
      boolean done =
          Waits.until(
              Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
              () ->
                  cluster
                      .leader()
                      .filter(l -> !scenario.movesLeader() || !l.equals(oldLeader))
                      .filter(this::writable)
                      .isPresent());
      if (!done) {
        LOG.warn("{}: no writable leader by the deadline; counting until then", scenario.id);
      }
      return System.nanoTime();
    }

    private boolean writable(String member) {
      try (Connection c = cluster.connect(member);
          ResultSet rs = c.createStatement().executeQuery("select pg_is_in_recovery()")) {
        return rs.next() && !rs.getBoolean(1);
      } catch (SQLException e) {
        return false;
      }
    }

    private void heal(Scenario scenario, String victim) {
      switch (scenario) {
        case HOST, REPLICA -> cluster.startHost(victim);
        case ETCDCUT -> cluster.healEtcd(victim);
        case FREEZE, FREEZE_REPLICA -> cluster.thaw(victim);
        case PGCRASH, SWITCHOVER -> {
          // the agent restarts PostgreSQL (or fails over) on its own; nothing to undo
        }
        default -> throw new IllegalArgumentException("scenario " + scenario);
      }
    }

    private long countPresent(String leader, List<Long> ids) throws SQLException {
      if (ids.isEmpty()) {
        return 0;
      }
      try (Connection c = cluster.connect(leader);
          PreparedStatement ps =
              c.prepareStatement("select count(*) from " + Probe.TABLE + " where id = any(?)")) {
        Array array = c.createArrayOf("bigint", ids.toArray());
        ps.setArray(1, array);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
  }

  /** Writes results.tsv, report.md and chart.svg from every result so far. */
  void write() {
    write(results, options, machine, started);
  }

  static void write(
      List<RunResult> results, Options options, Map<String, String> machine, Instant started) {
    try {
      Files.createDirectories(options.output());
      StringBuilder tsv = new StringBuilder(RunResult.TSV_HEADER).append('\n');
      results.forEach(r -> tsv.append(r.toTsv()).append('\n'));
      Files.writeString(options.output().resolve("results.tsv"), tsv, StandardCharsets.UTF_8);
      Report report =
          new Report(
              results, machine, method(options, started), JmhSection.read(options.jmhResult()));
      Files.writeString(
          options.output().resolve("report.md"), report.render(), StandardCharsets.UTF_8);
      Files.writeString(
          options.output().resolve("chart.svg"), SvgChart.render(report), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String method(Options o, Instant started) {
    StringBuilder m = new StringBuilder();
    m.append("- Started ")
        .append(started)
        .append("; ")
        .append(o.runs())
        .append(" run(s) per cell;")
        .append(" systems ")
        .append(String.join(", ", o.systems()))
        .append("; presets ")
        .append(String.join(", ", o.presets()))
        .append("; modes ")
        .append(String.join(", ", o.modes()))
        .append(".\n");
    if (!o.pgParameters().isEmpty()) {
      m.append("- PostgreSQL parameters set on every member (ALTER SYSTEM, before the first run): ")
          .append(
              o.pgParameters().entrySet().stream()
                  .map(e -> "`" + e.getKey() + " = " + e.getValue() + "`")
                  .collect(Collectors.joining(", ")))
          .append(".\n");
    }
    for (String p : o.presets()) {
      HaTimings t = timings(p);
      m.append("- Preset ")
          .append(p)
          .append(": ttl ")
          .append(t.ttl().toSeconds())
          .append(" s, loop_wait ")
          .append(t.loopWait().toSeconds())
          .append(" s, retry_timeout ")
          .append(t.retryTimeout().toSeconds())
          .append(" s, for both systems.\n");
    }
    m.append(
        "- Each cluster: 3 members and 1 etcd on this machine (127.0.0.1). pgha: 3 agents embedded"
            + " in the benchmark's JVM (LocalPghaCluster), or each in a JVM of its own when a freeze"
            + " scenario runs (a frozen agent must not freeze the clients); sync = pg_rpo 0 (maximum_lag_on_failover"
            + " 0, synchronous_mode true), where pgha's fast takeover is on by default: the"
            + " synchronous standby takes over once the leader's lease has been silent for"
            + " leader_silence_timeout (2 s); a row says in how many runs the new leader came that"
            + " way (its agent's FastTakeover event) and the median silence it measured."
            + " Patroni: 3.0.2 from the Debian package (LocalPatroniCluster); sync ="
            + " synchronous_mode with every replica synchronous. Every member reaches etcd through"
            + " its own fault proxy (Patroni with use_proxies). One cluster per system, preset and"
            + " mode, reused across scenarios and runs.\n"
            + "- Two clients on the same cluster, each a writer (one INSERT of a unique id every"
            + " ~20 ms, autocommit, no retry) and a reader (SELECT 1 every ~20 ms): pgha-jdbc's"
            + " TopologyAwareDataSource (writes to the leader, reads read-only from replicas, topology"
            + " from Patroni's etcd keys) and a plain HikariCP pool through HAProxy with Pigsty's"
            + " services (primary port for writes, replica port for reads; the file `pgha-sidecar"
            + " haproxy-config` writes: checks OPTIONS /primary and /replica, "
            + (o.haproxyFastChecks()
                ? "with --fast-checks: inter 500 ms, fastinter 250 ms, downinter 500 ms, rise 1,"
                    + " fall 2, check timeout 1 s"
                : "inter 3 s, fastinter 1 s, rise 3, fall 3")
            + ", on-marked-down shutdown-sessions).\n"
            + "- Scenarios: host = kill -9 of the leader's agent (Patroni) and PostgreSQL, every"
            + " process at once; pgcrash ="
            + " kill -9 of the leader's postmaster; switchover = POST /switchover {leader,"
            + " candidate} to the leader's API (patronictl's request); replica = kill -9 of a"
            + " replica's host, likewise; etcdcut = the leader's etcd proxy drops every packet;"
            + " freeze ="
            + " SIGSTOP of the leader's agent (Patroni) and of its postmaster with every backend"
            + " (a hung host: sockets stay open, nothing is reset), SIGCONT to heal; freezereplica"
            + " = the same on a replica.\n"
            + "- A run: 2 s of baseline, the fault, then observation until the cluster has reacted"
            + " (a writable leader, another member for host/switchover/etcdcut/freeze; 15 s for"
            + " replica and freezereplica)"
            + " and both clients have "
            + STEADY
            + " successful writes and reads in a row, bounded by 2 x ttl + 60 s. Then healing"
            + " (restart the host, unblock etcd, SIGCONT), a wait until healthy (streaming replicas, a"
            + " synchronous standby in sync mode) and until both clients are steady and pgha-jdbc"
            + " reads from every replica again.\n"
            + "- Write unavailability = the longest gap between consecutive acknowledged writes,"
            + " from the last acknowledgement before the fault to the end of the observation (a"
            + " client with no acknowledgement after the fault counts until the end). Read"
            + " unavailability likewise for reads. Lost = acknowledged writes of the run not found"
            + " on the leader after healing. Errors = failed writes / reads during the run.\n");
    return m.toString();
  }
}
