package io.pgha.chaos;

import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.Progress;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults on a schedule drawn from the seed: the faults come in shuffled rounds (every
 * enabled fault once per round), each after a quiet spell, held for a while, healed, and followed
 * by a wait for the cluster to be whole again. Which member is hit depends on the cluster (the
 * primary at that moment); which fault, when and how long does not.
 */
final class Nemesis {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

  private final LocalPghaCluster cluster;
  private final ChaosSettings settings;
  private final History history;
  private final Random random;
  private final List<Fault> round = new ArrayList<>();
  private final Optional<ReplicationPartition> partition;
  private final Set<Fault> enabled;

  /**
   * @param partition how to cut the primary from its replicas; without it, {@link
   *     Fault#PRIMARY_REPLICATION_PARTITION} is left out of the schedule
   */
  Nemesis(
      LocalPghaCluster cluster,
      ChaosSettings settings,
      History history,
      Optional<ReplicationPartition> partition) {
    this.cluster = cluster;
    this.settings = settings;
    this.history = history;
    this.random = new Random(settings.seed());
    this.partition = partition;
    Set<Fault> faults = EnumSet.copyOf(settings.faults());
    if (partition.isEmpty()) {
      faults.remove(Fault.PRIMARY_REPLICATION_PARTITION);
    }
    if (faults.isEmpty()) {
      throw new IllegalArgumentException("no fault left to inject among " + settings.faults());
    }
    this.enabled = faults;
  }

  /** Injects faults until {@code deadlineNanos}; the last fault is healed before it returns. */
  void run(long deadlineNanos) throws InterruptedException {
    Progress progress =
        Progress.ofDuration(
            "chaos " + settings.name(), Duration.ofNanos(deadlineNanos - System.nanoTime()));
    int count = 0;
    while (true) {
      long quietMillis = 2_000 + random.nextInt(4_000);
      Fault fault = next();
      long holdMillis = settings.ttl().toMillis() + random.nextInt((int) settings.ttl().toMillis());
      int pick = random.nextInt(1 << 16);
      if (System.nanoTime() + (quietMillis + holdMillis) * 1_000_000 - deadlineNanos > 0) {
        return;
      }
      Thread.sleep(quietMillis);
      progress.step(++count, "fault " + fault + " held " + holdMillis + " ms");
      inject(fault, holdMillis, pick);
    }
  }

  private Fault next() {
    if (round.isEmpty()) {
      round.addAll(enabled.stream().sorted().toList());
      java.util.Collections.shuffle(round, random);
    }
    return round.remove(0);
  }

  private void inject(Fault fault, long holdMillis, int pick) throws InterruptedException {
    long start = System.nanoTime();
    Optional<Node> primary =
        fault == Fault.ETCD_MEMBER_LOSS || fault == Fault.ETCD_QUORUM_LOSS
            ? Optional.empty()
            : awaitPrimary();
    if (primary.isEmpty() && fault != Fault.ETCD_MEMBER_LOSS && fault != Fault.ETCD_QUORUM_LOSS) {
      history.add(new NemesisOp(fault, "-", start, start, converge(), "skipped: no primary"));
      return;
    }
    String victim;
    String note = "";
    Runnable heal;
    switch (fault) {
      case PRIMARY_HOST_KILL -> {
        Node p = primary.get();
        victim = p.name;
        p.killHost();
        heal = p::start;
      }
      case PRIMARY_POSTGRES_KILL -> {
        Node p = primary.get();
        victim = p.name;
        p.killPostmaster();
        heal = () -> {};
      }
      case PRIMARY_AGENT_SIGSTOP -> {
        Node p = primary.get();
        victim = p.name;
        note = "agent pid " + p.agentPid().map(String::valueOf).orElse("?");
        p.pauseAgent();
        heal = p::resumeAgent;
      }
      case PRIMARY_ETCD_PARTITION -> {
        Node p = primary.get();
        victim = p.name;
        p.blackholeEtcd();
        heal = p::healEtcd;
      }
      case PRIMARY_REPLICATION_PARTITION -> {
        Node p = primary.get();
        victim = p.name;
        ReplicationPartition cut = partition.orElseThrow();
        Optional<String> refused = cut.cut(p.pgPort);
        if (refused.isPresent()) {
          history.add(
              new NemesisOp(fault, victim, start, start, converge(), "skipped: " + refused.get()));
          return;
        }
        note = "walsenders ended: " + endWalsenders(p);
        heal =
            () ->
                cut.heal(p.pgPort)
                    .ifPresent(
                        why -> {
                          throw new IllegalStateException(why);
                        });
      }
      case REPLICA_KILL -> {
        Node r = replica(primary.get(), pick);
        victim = r.name;
        r.killHost();
        heal = r::start;
      }
      case PRIMARY_HOST_FREEZE -> {
        Node p = primary.get();
        victim = p.name;
        note = "agent pid " + p.agentPid().map(String::valueOf).orElse("?");
        p.freezeHost();
        heal = p::thaw;
      }
      case REPLICA_FREEZE -> {
        Node r = replica(primary.get(), pick);
        victim = r.name;
        r.freezeHost();
        heal = r::thaw;
      }
      case PRIMARY_HOST_BLACKHOLE -> {
        Node p = primary.get();
        victim = p.name;
        try {
          p.blackholeHost();
        } catch (IllegalStateException e) {
          // Recorded, not left out of the schedule: a seed means the same faults everywhere.
          history.add(
              new NemesisOp(fault, victim, start, start, converge(), "skipped: " + e.getMessage()));
          return;
        }
        heal = p::heal;
      }
      case SWITCHOVER -> {
        Node p = primary.get();
        victim = p.name;
        note = switchover(p);
        holdMillis = 0;
        heal = () -> {};
      }
      case ETCD_MEMBER_LOSS -> {
        EtcdMember m = cluster.etcd().member(pick % 3);
        victim = m.name();
        m.kill();
        heal = m::restart;
      }
      case ETCD_QUORUM_LOSS -> {
        EtcdMember a = cluster.etcd().member(1);
        EtcdMember b = cluster.etcd().member(2);
        victim = a.name() + "+" + b.name();
        a.pause();
        b.pause();
        heal =
            () -> {
              a.resume();
              b.resume();
            };
      }
      default -> throw new IllegalStateException("fault " + fault + " has no injection");
    }
    LOG.info("nemesis: {} on {} for {} ms {}", fault, victim, holdMillis, note);
    Thread.sleep(holdMillis);
    long healAt = System.nanoTime();
    try {
      heal.run();
    } catch (RuntimeException e) {
      note = (note + " heal failed: " + e).trim();
      LOG.warn("nemesis: healing {} on {} failed", fault, victim, e);
    }
    long converged = converge();
    if (fault == Fault.PRIMARY_AGENT_SIGSTOP || fault == Fault.PRIMARY_HOST_FREEZE) {
      note = note + "; after SIGCONT: " + eventsSince(primary.get(), healAt);
    }
    LOG.info(
        "nemesis: {} on {} healed; {}",
        fault,
        victim,
        converged < 0 ? "NOT converged within " + settings.convergenceBound() : "converged");
    history.add(new NemesisOp(fault, victim, start, healAt, converged, note));
  }

  /** The replica {@code pick} designates, among the members other than {@code primary}. */
  private Node replica(Node primary, int pick) {
    List<Node> replicas = sorted(cluster.othersThan(primary));
    return replicas.get(pick % replicas.size());
  }

  /** What {@code node}'s agent told since {@code sinceNanos}, e.g. "Demoted, FollowingLeader". */
  private static String eventsSince(Node node, long sinceNanos) {
    List<String> told =
        node.events().stream()
            .filter(e -> e.nanos() - sinceNanos > 0)
            .map(e -> e.event().getClass().getSimpleName())
            .toList();
    return told.isEmpty() ? "no event" : String.join(", ", told);
  }

  /**
   * Ends the walsenders on {@code primary}, so that the cut applies to streaming already set up.
   */
  private static String endWalsenders(Node primary) {
    try (Connection c = primary.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_replication")) {
      return rs.next() ? Integer.toString(rs.getInt(1)) : "?";
    } catch (SQLException e) {
      return "failed: " + e.getMessage();
    }
  }

  private String switchover(Node leader) {
    try {
      LocalPghaCluster.ApiResponse answer =
          leader.api("POST", "/switchover", "{\"leader\":\"" + leader.name + "\"}");
      String body = answer.body() == null ? "" : answer.body().replaceAll("\\s+", " ").strip();
      return "HTTP "
          + answer.status()
          + " "
          + (body.length() > 100 ? body.substring(0, 100) : body);
    } catch (IOException e) {
      return "request failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private Optional<Node> awaitPrimary() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<Node> p = cluster.writablePrimary();
      if (p.isPresent() && p.get().isRunning()) {
        return p;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Waits for one primary and streaming replicas; returns when, or -1 past the bound. */
  long converge() {
    try {
      cluster.awaitHealthy(settings.convergenceBound());
      return System.nanoTime();
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  private static List<Node> sorted(List<Node> nodes) {
    return nodes.stream().sorted(Comparator.comparing(n -> n.name)).toList();
  }
}
