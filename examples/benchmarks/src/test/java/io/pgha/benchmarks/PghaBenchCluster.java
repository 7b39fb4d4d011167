package io.pgha.benchmarks;

import io.pgha.core.agent.AgentEvent;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Three pgha agents, embedded in this JVM or each in its own, on one etcd, each reaching etcd
 * through its proxy.
 */
final class PghaBenchCluster implements BenchCluster {
  private final LocalPghaCluster cluster;
  private final boolean synchronous;

  /**
   * @param ownJvms agents in JVMs of their own (needed to freeze one) rather than in this one
   */
  PghaBenchCluster(
      Duration ttl,
      Duration loopWait,
      Duration retryTimeout,
      boolean synchronous,
      boolean ownJvms) {
    this(ttl, loopWait, retryTimeout, synchronous, ownJvms, List.of());
  }

  /**
   * @param agentJvmOptions the options of the agents' own JVMs (empty: the kit's defaults)
   */
  PghaBenchCluster(
      Duration ttl,
      Duration loopWait,
      Duration retryTimeout,
      boolean synchronous,
      boolean ownJvms,
      List<String> agentJvmOptions) {
    this.synchronous = synchronous;
    cluster = new LocalPghaCluster(3, ttl, loopWait, retryTimeout).agentsInOwnJvm(ownJvms);
    if (!agentJvmOptions.isEmpty()) {
      cluster.agentJvmOptions(agentJvmOptions);
    }
    if (synchronous) {
      cluster.maximumLagOnFailover(0); // pg_rpo 0: synchronous mode from the bootstrap
    }
    try {
      cluster.nodes().forEach(PghaBenchCluster::start);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  @Override
  public String system() {
    return Report.PGHA;
  }

  @Override
  public String scope() {
    return cluster.scope();
  }

  @Override
  public String namespace() {
    return "/service";
  }

  @Override
  public List<String> etcdEndpoints() {
    return cluster.etcdEndpoints();
  }

  @Override
  public String password() {
    return LocalPghaCluster.superuserPassword();
  }

  @Override
  public List<String> members() {
    return cluster.nodes().stream().map(n -> n.name).toList();
  }

  @Override
  public Optional<String> leader() {
    return cluster.nodes().stream()
        .filter(LocalPghaCluster.Node::isRunning)
        .filter(n -> n.apiStatus("/primary") == 200)
        .map(n -> n.name)
        .findFirst();
  }

  @Override
  public OptionalLong fastTakeoverSilenceMs(long sinceNanos) {
    return cluster.nodes().stream()
        .flatMap(n -> n.events().stream())
        .filter(e -> e.nanos() - sinceNanos > 0)
        .map(LocalPghaCluster.TimedEvent::event)
        .filter(AgentEvent.FastTakeover.class::isInstance)
        .mapToLong(e -> ((AgentEvent.FastTakeover) e).silentForMillis())
        .findFirst();
  }

  @Override
  public OptionalLong agentPid(String member) {
    return cluster.node(member).agentPid().map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  @Override
  public int apiStatus(String member, String path) {
    return cluster.node(member).apiStatus(path);
  }

  @Override
  public int post(String member, String path, String json) {
    try {
      return cluster.node(member).apiPost(path, json);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public List<String> apiUrls() {
    return cluster.nodes().stream().map(n -> n.apiUrl().orElse(n.name + " down")).toList();
  }

  @Override
  public int pgPort(String member) {
    return cluster.node(member).pgPort;
  }

  @Override
  public Connection connect(String member) throws SQLException {
    return cluster.node(member).connect();
  }

  @Override
  public void killHost(String member) {
    LocalPghaCluster.Node node = cluster.node(member);
    Optional<Long> agentJvm = node.agentPid();
    if (agentJvm.isEmpty()) {
      node.haltAgent(); // an agent in this JVM cannot be signalled: it stops first
    }
    // The agent's JVM, then the postmaster (a child of that JVM, or of this one), all at once.
    HostKill.now(Stream.of(agentJvm, node.postmasterPid()).flatMap(Optional::stream).toList());
    node.killHost();
  }

  @Override
  public void killPostgres(String member) {
    cluster.node(member).killPostmaster();
  }

  @Override
  public void startHost(String member) {
    start(cluster.node(member));
  }

  /**
   * Starts the member's agent; a new try when its freshly picked API port was taken in between by
   * another process on this shared machine.
   */
  static void start(LocalPghaCluster.Node node) {
    for (int attempt = 1; ; attempt++) {
      try {
        node.start();
        return;
      } catch (java.io.UncheckedIOException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
        node.stop();
      }
    }
  }

  @Override
  public void cutFromEtcd(String member) {
    cluster.node(member).etcdProxy.blackhole();
  }

  @Override
  public void healEtcd(String member) {
    cluster.node(member).etcdProxy.heal();
  }

  @Override
  public void freezeHost(String member) {
    cluster.node(member).freezeHost();
  }

  @Override
  public void thaw(String member) {
    cluster.node(member).thaw();
  }

  @Override
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String leader = cluster.awaitHealthy(timeout).name;
    while (synchronous
        && members().stream()
            .filter(m -> !m.equals(leader))
            .noneMatch(m -> apiStatus(m, "/sync") == 200)) {
      Waits.check(deadline, "a synchronous standby of " + leader + " within " + timeout);
      Waits.sleep(100);
    }
  }

  @Override
  public void close() {
    cluster.close();
  }
}
