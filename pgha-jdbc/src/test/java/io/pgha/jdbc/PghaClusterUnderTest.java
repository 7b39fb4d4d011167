package io.pgha.jdbc;

import io.pgha.testkit.cluster.LocalPghaCluster;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Three pgha agents embedded in this JVM, each managing a real PostgreSQL, on a real etcd. */
final class PghaClusterUnderTest implements ClusterUnderTest {

  private final LocalPghaCluster cluster;
  private final List<Node> nodes;

  /** A DataSource configuration for {@code cluster}: its etcd and scope, as the superuser. */
  static PghaDataSourceConfig.Builder dataSourceConfig(LocalPghaCluster cluster) {
    return PghaDataSourceConfig.builder()
        .etcd(cluster.etcdEndpoints())
        .scope(cluster.scope())
        .username("postgres")
        .password(LocalPghaCluster.superuserPassword())
        .leaderWaitTimeout(Duration.ofSeconds(30));
  }

  PghaClusterUnderTest(LocalPghaCluster cluster) {
    this.cluster = cluster;
    this.nodes = cluster.nodes().stream().<Node>map(PghaNode::new).toList();
  }

  private record PghaNode(LocalPghaCluster.Node member) implements Node {
    @Override
    public String name() {
      return member.name;
    }

    @Override
    public int port() {
      return member.pgPort;
    }

    @Override
    public String host() {
      return "127.0.0.1";
    }

    @Override
    public String apiUrl() {
      return member.apiUrl().orElseThrow(() -> new IllegalStateException(member + " is down"));
    }

    @Override
    public Connection connect() throws SQLException {
      return member.connect();
    }

    @Override
    public void killHost() {
      member.killHost();
    }

    @Override
    public void freezeHost() {
      member.freezeHost();
    }

    @Override
    public void thaw() {
      member.thaw();
    }

    @Override
    public void start() {
      member.start();
    }

    @Override
    public boolean isRunning() {
      return member.isRunning();
    }

    @Override
    public int apiStatus(String path) {
      return member.apiStatus(path);
    }

    @Override
    public Optional<String> apiGet(String path) {
      HttpResult r = http("GET", path, null);
      return r.status() == 200 ? Optional.of(r.body()) : Optional.empty();
    }

    @Override
    public HttpResult http(String method, String path, String jsonBody) {
      try {
        LocalPghaCluster.ApiResponse answer = member.api(method, path, jsonBody);
        return new HttpResult(answer.status(), answer.body());
      } catch (IOException e) {
        return new HttpResult(-1, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new HttpResult(-1, e.toString());
      }
    }
  }

  @Override
  public String scope() {
    return cluster.scope();
  }

  @Override
  public List<String> etcdEndpoints() {
    return cluster.etcdEndpoints();
  }

  @Override
  public String username() {
    return "postgres";
  }

  @Override
  public String password() {
    return LocalPghaCluster.superuserPassword();
  }

  @Override
  public List<Node> nodes() {
    return nodes;
  }

  @Override
  public Optional<Node> currentLeader() {
    return nodes.stream()
        .filter(Node::isRunning)
        .filter(n -> n.apiStatus("/primary") == 200)
        .findFirst();
  }

  /** Streaming replicas, and in synchronous mode a synchronous standby named in the sync key. */
  @Override
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Node leader = node(cluster.awaitHealthy(timeout).name);
    boolean synchronous = leader.reportsSynchronousMode();
    while (synchronous && replicas().stream().noneMatch(n -> n.apiStatus("/sync") == 200)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("no synchronous standby within " + timeout);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    cluster.close();
  }
}
