package io.pgha.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.agent.AgentEvent;
import io.pgha.core.config.HaTimings;
import io.pgha.core.config.RtoPreset;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.testkit.Progress;
import io.pgha.testkit.Testkit;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak: no fault, a preset ({@code -Dchaos.soak.preset}: rapid, ttl 5 s, loop_wait 1 s,
 * retry_timeout 2 s, by default; or fast, ttl 20 s, loop_wait 5 s, retry_timeout 5 s), asynchronous
 * or synchronous mode ({@code -Dchaos.soak.mode=sync}: pg_rpo 0, where the fast takeover is on by
 * default), failsafe mode on, both cores kept busy by {@code stress-ng}, one client appending, and
 * the etcd leader moved every few minutes with {@code etcdctl move-leader}. Any leader change or
 * fast takeover is a false failover and fails the soak. {@code ./mvnw -pl pgha-chaos -am -Psoak
 * verify -Dtest=SoakRun -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.soak.minutes=60
 * [-Dchaos.soak.move.seconds=180] [-Dchaos.soak.preset=fast] [-Dchaos.soak.mode=sync]}
 */
@EnabledIfSystemProperty(named = "chaos.soak.minutes", matches = "\\d+")
class SoakRun {
  private static final Logger LOG = LoggerFactory.getLogger(SoakRun.class);
  private static final Pattern MEMBER_STATUS =
      Pattern.compile(
          "\"Endpoint\":\"([^\"]+)\".*?\"member_id\":(\\d+).*?\"leader\":(\\d+)", Pattern.DOTALL);

  @Test
  void noLeaderChangeUnderLoadAndEtcdLeaderMoves() throws Exception {
    Duration length = Duration.ofMinutes(Long.getLong("chaos.soak.minutes"));
    Duration moveEvery = Duration.ofSeconds(Long.getLong("chaos.soak.move.seconds", 180));
    RtoPreset preset = preset(System.getProperty("chaos.soak.preset", "rapid"));
    boolean synchronous = synchronous(System.getProperty("chaos.soak.mode", "async"));
    HaTimings timings = preset.timings();
    List<String> log = new ArrayList<>();
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(3, 3, timings.ttl(), timings.loopWait(), timings.retryTimeout())) {
      cluster.failsafeMode(true);
      if (synchronous) {
        // pg_rpo 0: synchronous_mode true, where the fast takeover is on by default.
        cluster.maximumLagOnFailover(0);
      }
      cluster.startAll();
      cluster.awaitHealthy(Duration.ofMinutes(3));
      long start = System.nanoTime();
      Process stress = startStress(length.plusMinutes(2));
      History history = new History();
      int moves = 0;
      int moveFailures = 0;
      try (TopologyAwareDataSource dataSource = new TopologyAwareDataSource(config(cluster))) {
        Workload.createTable(dataSource);
        try (Workload workload = new Workload(dataSource, history, 1)) {
          workload.start();
          long end = start + length.toNanos();
          long nextMove = start + moveEvery.toNanos();
          Progress progress = Progress.ofDuration("soak", length);
          long nextReport = start;
          int minute = 0;
          while (System.nanoTime() - end < 0) {
            Thread.sleep(1_000);
            if (System.nanoTime() - nextReport >= 0) {
              nextReport += TimeUnit.MINUTES.toNanos(1);
              progress.step(
                  ++minute, history.writes().size() + " writes, " + moves + " etcd leader moves");
            }
            if (System.nanoTime() - nextMove >= 0) {
              nextMove += moveEvery.toNanos();
              String outcome = moveEtcdLeader(cluster.etcdEndpoints());
              moves++;
              if (outcome.startsWith("failed")) {
                moveFailures++;
              }
              log.add(
                  String.format(
                      Locale.ROOT, "%.0f s: %s", (System.nanoTime() - start) / 1e9, outcome));
              LOG.info("soak: etcd leader move: {}", outcome);
            }
          }
        }
      } finally {
        stop(stress);
      }
      List<String> changes = new ArrayList<>();
      for (LocalPghaCluster.Node node : cluster.nodes()) {
        for (LocalPghaCluster.TimedEvent e : node.events()) {
          if (e.nanos() - start > 0
              && (e.event() instanceof AgentEvent.LeadershipAcquired
                  || e.event() instanceof AgentEvent.LeadershipLost
                  || e.event() instanceof AgentEvent.Promoted
                  || e.event() instanceof AgentEvent.Demoted
                  || e.event() instanceof AgentEvent.FastTakeover)) {
            changes.add(
                String.format(Locale.ROOT, "%.1f s: %s", (e.nanos() - start) / 1e9, e.event()));
          }
        }
      }
      long ok = history.writes().stream().filter(w -> w.outcome() == Outcome.OK).count();
      long notOk = history.writes().size() - ok;
      Path report =
          writeReport(
              length,
              preset.name().toLowerCase(Locale.ROOT)
                  + " preset, "
                  + (synchronous ? "synchronous mode (fast takeover on)" : "asynchronous mode"),
              moveEvery,
              stress != null,
              moves,
              moveFailures,
              log,
              changes,
              ok,
              notOk);
      LOG.info(
          "soak: {} leader events, {} etcd leader moves; report {}",
          changes.size(),
          moves,
          report.toAbsolutePath());
      assertThat(changes).as("leader changes during the soak (report %s)", report).isEmpty();
    }
  }

  /** {@code chaos.soak.preset}: rapid or fast. */
  static RtoPreset preset(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "rapid" -> RtoPreset.RAPID;
      case "fast" -> RtoPreset.FAST;
      default ->
          throw new IllegalArgumentException(
              "chaos.soak.preset (" + name + ") must be rapid or fast");
    };
  }

  /** {@code chaos.soak.mode}: async or sync. */
  static boolean synchronous(String mode) {
    return switch (mode.trim().toLowerCase(Locale.ROOT)) {
      case "async" -> false;
      case "sync" -> true;
      default ->
          throw new IllegalArgumentException(
              "chaos.soak.mode (" + mode + ") must be async or sync");
    };
  }

  private static PghaDataSourceConfig config(LocalPghaCluster cluster) {
    return PghaDataSourceConfig.builder()
        .etcd(cluster.etcdEndpoints())
        .scope(cluster.scope())
        .username("postgres")
        .password(LocalPghaCluster.superuserPassword())
        .connectionTimeout(Duration.ofSeconds(2))
        .leaderWaitTimeout(Duration.ofSeconds(10))
        .poolName("soak")
        .build();
  }

  /** Moves the etcd leadership to the next member; says what happened. */
  static String moveEtcdLeader(List<String> endpoints) throws IOException, InterruptedException {
    String status =
        etcdctl(
            List.of(
                "--endpoints=" + String.join(",", endpoints), "endpoint", "status", "-w", "json"));
    Matcher m = MEMBER_STATUS.matcher(status);
    List<String[]> members = new ArrayList<>();
    while (m.find()) {
      members.add(new String[] {m.group(1), m.group(2), m.group(3)});
    }
    for (int i = 0; i < members.size(); i++) {
      String[] member = members.get(i);
      if (member[1].equals(member[2])) {
        String[] target = members.get((i + 1) % members.size());
        String out =
            etcdctl(
                List.of(
                    "--endpoints=" + member[0],
                    "move-leader",
                    Long.toHexString(Long.parseUnsignedLong(target[1]))));
        return out.contains("Leadership transferred")
            ? "moved from " + member[0] + " to " + target[0]
            : "failed: " + out.strip();
      }
    }
    return "failed: no leader in " + status.strip();
  }

  private static String etcdctl(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("etcdctl");
    command.add("--command-timeout=10s");
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "failed: etcdctl timed out";
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Keeps both cores busy; null (and a warning) when stress-ng is not installed. */
  private static Process startStress(Duration length) {
    try {
      return new ProcessBuilder(
              "stress-ng", "--cpu", "2", "--timeout", length.toSeconds() + "s", "--quiet")
          .redirectErrorStream(true)
          .redirectOutput(Testkit.baseDir().resolve("stress-ng.log").toFile())
          .start();
    } catch (IOException e) {
      LOG.warn(
          "soak: stress-ng is not available ({}); the cores are not kept busy", e.getMessage());
      return null;
    }
  }

  private static void stop(Process stress) throws InterruptedException {
    if (stress == null) {
      return;
    }
    stress.descendants().forEach(ProcessHandle::destroy);
    stress.destroy();
    if (!stress.waitFor(10, TimeUnit.SECONDS)) {
      stress.descendants().forEach(ProcessHandle::destroyForcibly);
      stress.destroyForcibly();
    }
  }

  private static Path writeReport(
      Duration length,
      String setup,
      Duration moveEvery,
      boolean stressed,
      int moves,
      int moveFailures,
      List<String> log,
      List<String> changes,
      long ok,
      long notOk)
      throws IOException {
    Path dir = Path.of("target", "chaos");
    Files.createDirectories(dir);
    StringBuilder md = new StringBuilder();
    md.append("# Soak\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "%s, %s, failsafe mode on, stress-ng: %s, etcd leader moved every %s.%n%n",
                length,
                setup,
                stressed ? "2 CPU workers" : "NOT AVAILABLE",
                moveEvery))
        .append(
            String.format(
                Locale.ROOT,
                "## Verdict: %s%n%n",
                changes.isEmpty()
                    ? "PASSED (no leader change)"
                    : "FAILED (" + changes.size() + " leader events)"))
        .append(
            String.format(
                Locale.ROOT,
                "- etcd leader moves: %d (%d failed)%n- writes acknowledged: %d, not acknowledged: %d%n%n",
                moves,
                moveFailures,
                ok,
                notOk))
        .append("## etcd leader moves\n\n");
    log.forEach(l -> md.append("- ").append(l).append('\n'));
    md.append("\n## Leader events\n\n");
    changes.forEach(c -> md.append("- ").append(c).append('\n'));
    Path report = dir.resolve("soak.md");
    Files.writeString(report, md.toString());
    return report;
  }
}
