package io.pgha.chaos;

import io.pgha.core.agent.AgentEvent;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chaos run: a 3-member cluster on a 3-member etcd, the workload through pgha-jdbc, the
 * nemesis, then the final read, the checker and the report.
 */
final class ChaosRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ChaosRunner.class);

  /** The verdict, where the report went, the faults injected and whether iptables could be used. */
  record Result(Verdict verdict, Path report, List<NemesisOp> faults, boolean iptables) {}

  private ChaosRunner() {}

  static Result run(ChaosSettings s) throws Exception {
    LOG.info("chaos run {} with seed {} for {}", s.name(), s.seed(), s.duration());
    ReplicationPartition.Result iptables = ReplicationPartition.probe();
    try (LocalPghaCluster cluster =
            new LocalPghaCluster(3, 3, s.ttl(), s.loopWait(), s.retryTimeout());
        AutoCloseable rules = () -> iptables.partition().ifPresent(ReplicationPartition::close)) {
      // Agents in JVMs of their own (to SIGSTOP one), each reaching every etcd member.
      cluster.agentsInOwnJvm(true).everyEtcdMember(true);
      cluster.maximumLagOnFailover(s.synchronous() ? 0 : s.maximumLagOnFailover());
      cluster.startAll();
      cluster.awaitHealthy(Duration.ofMinutes(3));
      try (TopologyAwareDataSource dataSource = new TopologyAwareDataSource(config(cluster))) {
        createTable(dataSource);
        History history = new History();
        if (iptables.partition().isEmpty()
            && s.faults().contains(Fault.PRIMARY_REPLICATION_PARTITION)) {
          String why =
              "PRIMARY_REPLICATION_PARTITION skipped: iptables unusable ("
                  + iptables.unavailableReason()
                  + ")";
          LOG.warn("chaos run {}: {}", s.name(), why);
          history.note(why);
        }
        Nemesis nemesis = new Nemesis(cluster, s, history, iptables.partition());
        long deadline = System.nanoTime() + s.duration().toNanos();
        try (Workload workload = new Workload(dataSource, history, s.clients())) {
          workload.start();
          nemesis.run(deadline);
          // Every fault is healed by now; let the clients see the cluster whole for a moment.
          Thread.sleep(2_000);
        }
        long end = System.nanoTime();
        long convergedAfter = convergedAfterLastHeal(nemesis, history, cluster);
        Node primary = cluster.awaitHealthy(s.convergenceBound());
        Set<Long> present = values(primary);
        Verdict verdict =
            Checker.check(
                history.writes(),
                (int)
                    history.reads().stream()
                        .filter(r -> r.outcome() == Outcome.OK && !r.found())
                        .count(),
                present,
                promotions(cluster, history),
                convergedAfter,
                s.synchronous(),
                s.maximumLagOnFailover(),
                history::toMicros);
        Path report = Report.write(s, history, verdict, end);
        LOG.info(
            "chaos run {} seed {}: {} {}; report {}",
            s.name(),
            s.seed(),
            verdict.passed() ? "PASSED" : "FAILED",
            verdict.problems(),
            report.toAbsolutePath());
        return new Result(verdict, report, history.faults(), iptables.partition().isPresent());
      }
    }
  }

  private static PghaDataSourceConfig config(LocalPghaCluster cluster) {
    return PghaDataSourceConfig.builder()
        .etcd(cluster.etcdEndpoints())
        .scope(cluster.scope())
        .username("postgres")
        .password(LocalPghaCluster.superuserPassword())
        .connectionTimeout(Duration.ofSeconds(2))
        .leaderWaitTimeout(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .connectionProperty("socketTimeout", "15")
        .poolName("chaos")
        .build();
  }

  private static void createTable(TopologyAwareDataSource dataSource) throws Exception {
    SQLException last = null;
    for (int i = 0; i < 30; i++) {
      try {
        Workload.createTable(dataSource);
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(1_000);
      }
    }
    throw last;
  }

  /** The time from the last heal to a whole cluster, in ms; -1 if not within the bound. */
  private static long convergedAfterLastHeal(
      Nemesis nemesis, History history, LocalPghaCluster cluster) {
    List<NemesisOp> faults = history.faults();
    // Agents a failed heal left down are started: convergence is judged with every member up.
    cluster.nodes().stream().filter(n -> !n.isRunning()).forEach(Node::start);
    if (faults.isEmpty()) {
      return 0;
    }
    NemesisOp last = faults.get(faults.size() - 1);
    long converged = last.convergedNanos() >= 0 ? last.convergedNanos() : nemesis.converge();
    return converged < 0 ? -1 : (converged - last.healNanos()) / 1_000_000;
  }

  private static Set<Long> values(Node primary) throws SQLException {
    Set<Long> present = new HashSet<>();
    try (Connection c = primary.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM " + Workload.TABLE)) {
      while (rs.next()) {
        present.add(rs.getLong(1));
      }
    }
    return present;
  }

  private static List<Promotion> promotions(LocalPghaCluster cluster, History history) {
    List<Promotion> promotions = new ArrayList<>();
    for (Node node : cluster.nodes()) {
      for (LocalPghaCluster.TimedEvent e : node.events()) {
        if (e.event() instanceof AgentEvent.Promoted p) {
          promotions.add(new Promotion(node.pgPort, p.timeline(), history.toMicros(e.nanos())));
        }
      }
    }
    return promotions;
  }
}
