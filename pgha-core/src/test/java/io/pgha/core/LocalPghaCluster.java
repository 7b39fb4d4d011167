package io.pgha.core;

import io.pgha.core.agent.AgentEvent;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.postgres.PostgresConfig;
import io.pgha.testkit.FaultProxy;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.Testkit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A pgha cluster on this machine for tests: one real etcd and N members, each a {@link PghaAgent}
 * embedded in this JVM managing a real PostgreSQL. Each member reaches etcd through its own {@link
 * FaultProxy}, so a test can cut one member off from etcd.
 */
final class LocalPghaCluster implements AutoCloseable {
  static final String SUPERUSER_PASSWORD = "test-Superuser-Secret";
  static final String REPLICATION_PASSWORD = "test-Replication-Secret";

  /** One member: its configuration, its proxy to etcd and the agent running now (if any). */
  final class Node {
    final String name;
    final int pgPort;
    final Path dataDir;
    final FaultProxy etcdProxy;

    /** Every event of this member's agents, with the {@link System#nanoTime()} it was heard at. */
    final List<TimedEvent> events = new CopyOnWriteArrayList<>();

    PghaAgent agent;

    Node(String name, int pgPort, Path dataDir, FaultProxy etcdProxy) {
      this.name = name;
      this.pgPort = pgPort;
      this.dataDir = dataDir;
      this.etcdProxy = etcdProxy;
    }

    /** Starts a fresh agent for this member (on its existing data, if any). */
    void start() {
      agent =
          PghaAgent.builder(config(this))
              .postgres(LocalPghaCluster.this::tune)
              .listener(e -> events.add(new TimedEvent(System.nanoTime(), e)))
              .build();
      agent.start();
    }

    /** Clean stop: hands leadership over. */
    void stop() {
      if (agent != null) {
        agent.stop();
        agent = null;
      }
    }

    /** Host failure: the agent vanishes without a word and PostgreSQL is killed with SIGKILL. */
    void killHost() {
      if (agent != null) {
        agent.halt();
        agent = null;
      }
      killPostmaster();
    }

    /** kill -9 of the postmaster only. */
    void killPostmaster() {
      postmasterPid()
          .flatMap(ProcessHandle::of)
          .ifPresent(
              h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
              });
    }

    Optional<Long> postmasterPid() {
      try {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
          return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    Connection connect() throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", "postgres");
      p.setProperty("password", SUPERUSER_PASSWORD);
      p.setProperty("connectTimeout", "2");
      p.setProperty("socketTimeout", "5");
      return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", p);
    }

    /** Whether this member's PostgreSQL answers and accepts writes. */
    boolean isWritablePrimary() {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        return rs.next() && !rs.getBoolean(1);
      } catch (SQLException e) {
        return false;
      }
    }

    /** Whether this member's PostgreSQL answers as a replica that streams. */
    boolean isStreamingReplica() {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver)")) {
        return rs.next() && rs.getBoolean(1) && "streaming".equals(rs.getString(2));
      } catch (SQLException e) {
        return false;
      }
    }

    /** When this member first heard an event of {@code type}, if it did. */
    Optional<Long> firstEventNanos(Class<? extends AgentEvent> type) {
      return events.stream()
          .filter(e -> type.isInstance(e.event()))
          .map(TimedEvent::nanos)
          .findFirst();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** An agent event and when the test heard it. */
  record TimedEvent(long nanos, AgentEvent event) {}

  final LocalEtcd etcd;
  final String scope;
  private final Path workDir;
  private final Duration ttl;
  private final Duration loopWait;
  private final Duration retryTimeout;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private long maximumLagOnFailover = 1024 * 1024;
  private final OsUser osUser = OsUser.forPostgres();

  LocalPghaCluster(int members, Duration ttl, Duration loopWait, Duration retryTimeout) {
    this.ttl = ttl;
    this.loopWait = loopWait;
    this.retryTimeout = retryTimeout;
    this.workDir = Testkit.newWorkDir("pgha-cluster");
    this.scope =
        "test-" + workDir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "").substring(0, 8);
    this.etcd = LocalEtcd.start(1);
    String etcdEndpoint = etcd.clientEndpoints().get(0).replace("http://", "");
    String[] hostPort = etcdEndpoint.split(":");
    for (int i = 1; i <= members; i++) {
      String name = "pg" + i;
      Path nodeDir = osUser.createOwnedDirectory(workDir.resolve(name));
      FaultProxy proxy = FaultProxy.start(hostPort[0], Integer.parseInt(hostPort[1]));
      nodes.put(name, new Node(name, freePort(), nodeDir.resolve("data"), proxy));
    }
  }

  /** {@code maximum_lag_on_failover} for members started from now on (before the bootstrap). */
  LocalPghaCluster maximumLagOnFailover(long bytes) {
    this.maximumLagOnFailover = bytes;
    return this;
  }

  List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  Node node(String name) {
    return nodes.get(name);
  }

  void startAll() {
    nodes.values().forEach(Node::start);
  }

  /** The member whose PostgreSQL accepts writes, if exactly one does. */
  Optional<Node> writablePrimary() {
    List<Node> primaries = nodes.values().stream().filter(Node::isWritablePrimary).toList();
    return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
  }

  List<Node> writablePrimaries() {
    return nodes.values().stream().filter(Node::isWritablePrimary).toList();
  }

  private PghaConfig config(Node node) {
    return PghaConfig.builder()
        .scope(scope)
        .name(node.name)
        .etcdEndpoints("http://" + node.etcdProxy.endpoint())
        .postgresDataDir(node.dataDir)
        .postgresListen("127.0.0.1:" + node.pgPort)
        .superuser("postgres", SUPERUSER_PASSWORD)
        .replicationUser("replicator", REPLICATION_PASSWORD)
        .removeDataDirectoryOnRewindFailure(true)
        .restApiListen("127.0.0.1:" + freePort())
        .ttl(ttl)
        .loopWait(loopWait)
        .retryTimeout(retryTimeout)
        .primaryStartTimeout(Duration.ofSeconds(10))
        .pgRpo(maximumLagOnFailover)
        .build();
  }

  private PostgresConfig.Builder tune(PostgresConfig.Builder b) {
    return b.runAsUser(osUser.needsSwitch() ? osUser.name() : null)
        // Tests trade durability for speed on a shared disk; what pg_rewind needs stays on.
        .initdbOptions(List.of("--data-checksums", "--encoding=UTF8", "--no-sync"))
        .parameter("fsync", "off")
        .parameter("shared_buffers", "16MB")
        .parameter("max_connections", "40")
        .parameter("wal_keep_size", "64MB");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (Node node : nodes.values()) {
      try {
        node.stop();
      } catch (RuntimeException e) {
        // fall through to the kill below
      }
      node.killPostmaster();
      node.etcdProxy.close();
    }
    etcd.close();
  }
}
