package io.pgha.chaos;

import io.pgha.core.LocalPghaCluster;
import io.pgha.core.LocalPghaCluster.Node;
import io.pgha.testkit.EtcdMember;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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

  Nemesis(LocalPghaCluster cluster, ChaosSettings settings, History history) {
    this.cluster = cluster;
    this.settings = settings;
    this.history = history;
    this.random = new Random(settings.seed());
  }

  /** Injects faults until {@code deadlineNanos}; the last fault is healed before it returns. */
  void run(long deadlineNanos) throws InterruptedException {
    while (true) {
      long quietMillis = 2_000 + random.nextInt(4_000);
      Fault fault = next();
      long holdMillis = settings.ttl().toMillis() + random.nextInt((int) settings.ttl().toMillis());
      int pick = random.nextInt(1 << 16);
      if (System.nanoTime() + (quietMillis + holdMillis) * 1_000_000 - deadlineNanos > 0) {
        return;
      }
      Thread.sleep(quietMillis);
      inject(fault, holdMillis, pick);
    }
  }

  private Fault next() {
    if (round.isEmpty()) {
      round.addAll(settings.faults().stream().sorted().toList());
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
      case PRIMARY_AGENT_FREEZE -> {
        Node p = primary.get();
        victim = p.name;
        p.haltAgent();
        heal = p::start;
      }
      case PRIMARY_ETCD_PARTITION -> {
        Node p = primary.get();
        victim = p.name;
        p.etcdProxy.blackhole();
        heal = p.etcdProxy::heal;
      }
      case REPLICA_KILL -> {
        List<Node> replicas = sorted(cluster.othersThan(primary.get()));
        Node r = replicas.get(pick % replicas.size());
        victim = r.name;
        r.killHost();
        heal = r::start;
      }
      case SWITCHOVER -> {
        Node p = primary.get();
        victim = p.name;
        note = switchover(p);
        holdMillis = 0;
        heal = () -> {};
      }
      case ETCD_MEMBER_LOSS -> {
        // Member 0 is where every agent's proxy leads: losing it is a partition of all agents.
        EtcdMember m = cluster.etcd().member(1 + pick % 2);
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
    LOG.info(
        "nemesis: {} on {} healed; {}",
        fault,
        victim,
        converged < 0 ? "NOT converged within " + settings.convergenceBound() : "converged");
    history.add(new NemesisOp(fault, victim, start, healAt, converged, note));
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
