package io.pgha.jdbc;

import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.LocalPatroni;
import io.pgha.testkit.LocalPatroniCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Patroni 3.0.2 (the Debian package) on a real etcd, in synchronous mode unless told. */
final class PatroniClusterUnderTest implements ClusterUnderTest {

  private final LocalEtcd etcd;
  private final LocalPatroniCluster cluster;
  private final List<Node> nodes;

  PatroniClusterUnderTest(String scope) {
    this(scope, true);
  }

  PatroniClusterUnderTest(String scope, boolean synchronousMode) {
    etcd = LocalEtcd.start(1);
    try {
      cluster =
          LocalPatroniCluster.start(
              scope, 3, etcd.clientEndpoints(), b -> b.synchronousMode(synchronousMode));
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
    nodes = cluster.nodes().stream().<Node>map(PatroniNode::new).toList();
  }

  private record PatroniNode(LocalPatroni patroni) implements Node {
    @Override
    public String name() {
      return patroni.name();
    }

    @Override
    public int port() {
      return patroni.port();
    }

    @Override
    public String host() {
      return patroni.host();
    }

    @Override
    public String apiUrl() {
      return patroni.apiUrl();
    }

    @Override
    public Connection connect() throws SQLException {
      return patroni.connect();
    }

    @Override
    public void killHost() {
      patroni.kill();
    }

    @Override
    public void freezeHost() {
      patroni.freezeHost();
    }

    @Override
    public void thaw() {
      patroni.thaw();
    }

    @Override
    public void endFreezeOfReplacedLeader() {
      patroni.kill();
      patroni.start();
    }

    @Override
    public void start() {
      patroni.start();
    }

    @Override
    public boolean isRunning() {
      return patroni.isRunning();
    }

    @Override
    public int apiStatus(String path) {
      return patroni.apiStatus(path);
    }

    @Override
    public Optional<String> apiGet(String path) {
      return patroni.apiGet(path);
    }

    @Override
    public HttpResult http(String method, String path, String jsonBody) {
      LocalPatroni.HttpResult r = patroni.http(method, path, jsonBody);
      return new HttpResult(r.status(), r.body());
    }
  }

  @Override
  public String scope() {
    return cluster.scope();
  }

  @Override
  public List<String> etcdEndpoints() {
    return etcd.clientEndpoints();
  }

  @Override
  public String username() {
    return "postgres";
  }

  @Override
  public String password() {
    return null;
  }

  @Override
  public List<Node> nodes() {
    return nodes;
  }

  @Override
  public Optional<Node> currentLeader() {
    // Through the cluster: it also records which postmaster each Patroni runs, for killHost.
    return cluster.currentLeader().map(leader -> node(leader.name()));
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
      etcd.close();
    }
  }
}
