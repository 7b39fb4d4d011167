package io.pgha.benchmarks;

import io.pgha.testkit.FaultProxy;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.LocalPatroni;
import io.pgha.testkit.LocalPatroniCluster;
import io.pgha.testkit.ProcessTracker;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Three Patroni 3.0.2 nodes (the Debian package) on one etcd, each reaching etcd only through its
 * own {@link FaultProxy}.
 */
final class PatroniBenchCluster implements BenchCluster {
  private final LocalEtcd etcd;
  private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
  private final LocalPatroniCluster cluster;

  PatroniBenchCluster(String scope, int ttl, int loopWait, int retryTimeout, boolean synchronous) {
    etcd = LocalEtcd.start(1);
    try {
      URI endpoint = URI.create(etcd.clientEndpoints().get(0));
      for (int i = 1; i <= 3; i++) {
        proxies.put(scope + "-" + i, FaultProxy.start(endpoint.getHost(), endpoint.getPort()));
      }
      cluster =
          LocalPatroniCluster.start(
              scope,
              3,
              etcd.clientEndpoints(),
              b ->
                  b.timings(ttl, loopWait, retryTimeout)
                      .synchronousMode(synchronous)
                      .etcdThroughProxies(List.of("http://" + proxies.get(b.name()).endpoint())));
    } catch (RuntimeException e) {
      proxies.values().forEach(FaultProxy::close);
      etcd.close();
      throw e;
    }
  }

  @Override
  public String system() {
    return Report.PATRONI;
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
    return etcd.clientEndpoints();
  }

  @Override
  public String password() {
    return "postgres";
  }

  @Override
  public List<String> members() {
    return cluster.nodes().stream().map(LocalPatroni::name).toList();
  }

  @Override
  public Optional<String> leader() {
    return cluster.currentLeader().map(LocalPatroni::name);
  }

  @Override
  public int apiStatus(String member, String path) {
    LocalPatroni node = cluster.node(member);
    return node.isRunning() ? node.apiStatus(path) : -1;
  }

  @Override
  public int post(String member, String path, String json) {
    return cluster.node(member).http("POST", path, json).status();
  }

  @Override
  public List<String> apiUrls() {
    return cluster.nodes().stream().map(LocalPatroni::apiUrl).toList();
  }

  @Override
  public int pgPort(String member) {
    return cluster.node(member).port();
  }

  @Override
  public Connection connect(String member) throws SQLException {
    return cluster.node(member).connect();
  }

  @Override
  public OptionalLong agentPid(String member) {
    LocalPatroni node = cluster.node(member);
    return node.isRunning() ? OptionalLong.of(node.pid()) : OptionalLong.empty();
  }

  @Override
  public void killHost(String member) {
    LocalPatroni node = cluster.node(member);
    // Patroni, then its postmaster (in a session of its own, not Patroni's child), all at once.
    List<Long> roots = new ArrayList<>();
    if (node.isRunning()) {
      roots.add(node.pid());
    }
    node.postmaster().ifPresent(pm -> roots.add(pm.pid()));
    HostKill.now(roots);
    node.kill();
  }

  @Override
  public void killPostgres(String member) {
    LocalPatroni node = cluster.node(member);
    node.postmaster()
        .ifPresent(
            pm ->
                ProcessTracker.adopt(member + "/crashed-postmaster", pm.pid(), node.logFile())
                    .kill());
  }

  @Override
  public void startHost(String member) {
    cluster.node(member).start();
  }

  @Override
  public void cutFromEtcd(String member) {
    proxies.get(member).blackhole();
  }

  @Override
  public void healEtcd(String member) {
    proxies.get(member).heal();
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
    cluster.awaitHealthy(timeout);
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      proxies.values().forEach(FaultProxy::close);
      etcd.close();
    }
  }
}
