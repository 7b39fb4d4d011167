package io.pgha.testkit.cluster;

import io.pgha.core.PghaAgent;
import io.pgha.core.agent.AgentEvent;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.PostgresSettings;
import io.pgha.testkit.FaultProxy;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.NetworkBlackhole;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.ProcessTracker;
import io.pgha.testkit.Testkit;
import io.pgha.testkit.TrackedProcess;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A pgha cluster on this machine for tests: one real etcd and N members, each a {@link PghaAgent}
 * managing a real PostgreSQL, embedded in this JVM or (see {@link #agentsInOwnJvm}) each in a JVM
 * of its own ({@link LocalAgentMain}), which a test can SIGSTOP. Each member reaches each etcd
 * member through a {@link FaultProxy} of its own, so a test can cut one member off from etcd.
 */
public final class LocalPghaCluster implements AutoCloseable {
  static final String SUPERUSER_PASSWORD = "test-Superuser-Secret";
  static final String REPLICATION_PASSWORD = "test-Replication-Secret";

  /** One member: its configuration, its proxy to etcd and the agent running now (if any). */
  public final class Node {
    /** The member's name: pg1, pg2, ... */
    public final String name;

    /** The port its PostgreSQL listens on (127.0.0.1). */
    public final int pgPort;

    final Path dataDir;

    /** This member's proxy to the first etcd member. */
    public final FaultProxy etcdProxy;

    /** This member's proxies, one per etcd member (the first is {@link #etcdProxy}). */
    public final List<FaultProxy> etcdProxies;

    /** Every event of this member's agents, with the {@link System#nanoTime()} it was heard at. */
    final List<TimedEvent> events = new CopyOnWriteArrayList<>();

    /** Set by {@link #blackholeHost()}, cleared by {@link #heal()}. */
    private NetworkBlackhole blackhole;

    /** The member's tags (Patroni's names), applied to agents started from now on. */
    final Map<String, String> tags = new LinkedHashMap<>();

    PghaAgent agent;

    /** The agent's own JVM, when agents run in JVMs of their own; null otherwise. */
    private Process child;

    private TrackedProcess trackedChild;
    private int apiPort;

    /** Set by {@link #freezeHost()}, cleared by {@link #thaw()}. */
    private boolean frozen;

    /** The postmaster {@link #freezeHost()} froze last. */
    private TrackedProcess frozenPostmaster;

    /** Changes this member's configuration, for agents started from now on. */
    UnaryOperator<PghaConfig.Builder> configure = UnaryOperator.identity();

    Node(String name, int pgPort, Path dataDir, List<FaultProxy> etcdProxies) {
      this.name = name;
      this.pgPort = pgPort;
      this.dataDir = dataDir;
      this.etcdProxies = List.copyOf(etcdProxies);
      this.etcdProxy = etcdProxies.get(0);
    }

    /** Tags this member (e.g. {@code nofailover}) for the agents started from now on. */
    public Node tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    /**
     * Adjusts this member's configuration (a watchdog, {@code pre_promote}, ...) for the agents
     * started from now on; only for agents in this JVM.
     */
    public Node configure(UnaryOperator<PghaConfig.Builder> adjust) {
      this.configure = adjust;
      return this;
    }

    /** This member's PostgreSQL data directory. */
    public Path dataDir() {
      return dataDir;
    }

    /** Starts a fresh agent for this member (on its existing data, if any). */
    public void start() {
      apiPort = freePort();
      if (agentsInOwnJvm) {
        startOwnJvm();
        return;
      }
      agent =
          PghaAgent.builder(configure.apply(configOf(spec(this))).build())
              .listener(e -> events.add(new TimedEvent(System.nanoTime(), e)))
              .build();
      agent.start();
    }

    private void startOwnJvm() {
      if (configure != UnaryOperator.<PghaConfig.Builder>identity()) {
        throw new IllegalStateException(
            name + ": a configuration override only applies to agents in this JVM");
      }
      Path nodeDir = dataDir.getParent();
      Path specFile = nodeDir.resolve("agent.properties");
      Path log = nodeDir.resolve("agent.log");
      try {
        try (Writer w = Files.newBufferedWriter(specFile)) {
          spec(this).store(w, "pgha agent " + name);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(agentJvmOptions);
        command.addAll(
            List.of(
                "-cp",
                System.getProperty("java.class.path"),
                LocalAgentMain.class.getName(),
                specFile.toString()));
        ProcessBuilder b =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process started = b.start();
        child = started;
        trackedChild = ProcessTracker.adopt(name + "-agent", started.pid(), log);
        Thread reader = new Thread(() -> pump(started, log), name + "-agent-output");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        throw new UncheckedIOException(name + ": cannot start the agent's JVM", e);
      }
    }

    /** Copies the child's output to its log and turns its event lines into {@link #events}. */
    private void pump(Process process, Path log) {
      try (BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer out =
              Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          LocalAgentMain.parseEvent(line).ifPresent(events::add);
          out.write(line);
          out.write('\n');
          out.flush();
        }
      } catch (IOException e) {
        // the child is gone
      }
    }

    /** Clean stop: hands leadership over (a frozen host is thawed first). */
    public void stop() {
      thaw();
      if (agent != null) {
        agent.stop();
        agent = null;
      }
      Process c = child;
      if (c != null) {
        signal("CONT");
        c.destroy();
        try {
          if (!c.waitFor(60, TimeUnit.SECONDS)) {
            trackedChild.kill();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        child = null;
      }
    }

    /**
     * The agent vanishes without a word (keys stay until its lease expires); PostgreSQL runs on.
     */
    public void haltAgent() {
      if (agent != null) {
        agent.halt();
        agent = null;
      }
      Process c = child;
      if (c != null) {
        // The JVM alone: its PostgreSQL, a child of it, must run on.
        c.destroyForcibly();
        try {
          c.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        child = null;
      }
    }

    /** Host failure: the agent vanishes without a word and PostgreSQL is killed with SIGKILL. */
    public void killHost() {
      if (agent != null) {
        agent.halt();
        agent = null;
      }
      if (child != null) {
        // The agent's JVM with its descendants (the postmaster and its backends) at once.
        trackedChild.kill();
        child = null;
      }
      killPostmaster();
      synchronized (this) {
        frozen = false; // SIGKILL ends stopped processes too
      }
    }

    /** The PID of the agent's own JVM, if agents run in JVMs of their own and this one runs. */
    public Optional<Long> agentPid() {
      Process c = child;
      return c != null && c.isAlive() ? Optional.of(c.pid()) : Optional.empty();
    }

    /**
     * {@code kill -STOP} of the agent's JVM alone (its PostgreSQL runs on); only for agents in JVMs
     * of their own.
     */
    public void pauseAgent() {
      requireOwnJvm();
      signal("STOP");
    }

    /** {@code kill -CONT} of the agent's JVM, undoing {@link #pauseAgent()}. */
    public void resumeAgent() {
      requireOwnJvm();
      signal("CONT");
    }

    /**
     * A hung host: {@code kill -STOP} of the agent's JVM, then of its postmaster and every backend.
     * Sockets stay open and nothing answers; the leader key stays until its lease expires. Only for
     * agents in JVMs of their own ({@link #agentsInOwnJvm}). Undo with {@link #thaw()}; {@link
     * LocalPghaCluster#close()} thaws what is still frozen.
     */
    public synchronized void freezeHost() {
      requireOwnJvm();
      // The agent first: it must not see its PostgreSQL stop answering and act on it.
      trackedChild.pause();
      frozen = true;
      Optional<Long> pid =
          postmasterPid()
              .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
      if (pid.isPresent()) {
        try {
          if (frozenPostmaster == null || frozenPostmaster.pid() != pid.get()) {
            frozenPostmaster =
                ProcessTracker.adopt(
                    name + "-postmaster", pid.get(), dataDir.resolveSibling("data.log"));
          }
          frozenPostmaster.pause();
        } catch (IllegalArgumentException e) {
          // it exited in between: nothing left to freeze
        }
      }
    }

    /**
     * {@code kill -CONT} of the postmaster with its backends and of the agent's JVM, undoing {@link
     * #freezeHost()}. Does nothing when nothing is frozen; safe to call twice.
     */
    public synchronized void thaw() {
      if (!frozen) {
        return;
      }
      if (frozenPostmaster != null) {
        frozenPostmaster.resume();
      }
      if (trackedChild != null) {
        trackedChild.resume();
      }
      frozen = false;
    }

    /** Whether {@link #freezeHost()} froze this member and {@link #thaw()} did not undo it yet. */
    public synchronized boolean isFrozen() {
      return frozen;
    }

    private void requireOwnJvm() {
      if (child == null || !child.isAlive()) {
        throw new IllegalStateException(name + ": no agent runs in a JVM of its own");
      }
    }

    private void signal(String signal) {
      Process c = child;
      if (c == null || !c.isAlive()) {
        return;
      }
      try {
        Process kill =
            new ProcessBuilder("kill", "-" + signal, Long.toString(c.pid()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException(name + ": kill -" + signal + " " + c.pid() + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(name + ": cannot run kill -" + signal, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(name + ": interrupted during kill -" + signal, e);
      }
    }

    /** Blackholes every path of this member to etcd (see {@link FaultProxy#blackhole()}). */
    public void blackholeEtcd() {
      etcdProxies.forEach(FaultProxy::blackhole);
    }

    /** Heals every path of this member to etcd. */
    public void healEtcd() {
      etcdProxies.forEach(FaultProxy::heal);
    }

    /**
     * A host whose network black-holes ({@link NetworkBlackhole}): the agent's JVM and its
     * PostgreSQL run on, but every packet they send and every packet sent to them (PostgreSQL, the
     * API, their open connections, etcd included) is dropped, and no connection is reset. Only for
     * agents in JVMs of their own. Undo with {@link #heal()}; {@link LocalPghaCluster#close()} and
     * JVM exit heal what is still cut.
     *
     * @throws IllegalStateException when this machine cannot (no iptables, no net_cls controller),
     *     saying why
     */
    public synchronized void blackholeHost() {
      requireOwnJvm();
      if (blackhole != null) {
        return;
      }
      NetworkBlackhole.Result probe = NetworkBlackhole.probe();
      NetworkBlackhole cut =
          probe
              .blackhole()
              .orElseThrow(
                  () -> new IllegalStateException(name + ": " + probe.unavailableReason()));
      List<Long> pids = new ArrayList<>(List.of(child.pid()));
      postmasterPid().ifPresent(pids::add);
      cut.cut(pids, List.of(pgPort, apiPort));
      blackhole = cut;
    }

    /** Ends {@link #blackholeHost()}: every rule removed. Does nothing when not cut. */
    public synchronized void heal() {
      if (blackhole != null) {
        blackhole.heal();
        blackhole = null;
      }
    }

    /** kill -9 of the postmaster and its backends (the kit freezes it first, so none escapes). */
    public void killPostmaster() {
      // A host killed earlier leaves a postmaster.pid naming a process that is gone.
      Optional<Long> running =
          postmasterPid()
              .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      if (running.isEmpty()) {
        return;
      }
      TrackedProcess postmaster;
      try {
        postmaster =
            ProcessTracker.adopt(
                name + "-postmaster", running.get(), dataDir.resolveSibling("data.log"));
      } catch (IllegalArgumentException e) {
        // It died in between (a zombie counts as alive above): nothing left to kill.
        return;
      }
      postmaster.kill();
    }

    /** The PID in the member's {@code postmaster.pid}, if the file is there. */
    public Optional<Long> postmasterPid() {
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

    /** A connection to this member's PostgreSQL as the {@code postgres} superuser. */
    public Connection connect() throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", "postgres");
      p.setProperty("password", SUPERUSER_PASSWORD);
      p.setProperty("connectTimeout", "2");
      p.setProperty("socketTimeout", "5");
      return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", p);
    }

    /** Whether this member's PostgreSQL answers and accepts writes. */
    public boolean isWritablePrimary() {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        return rs.next() && !rs.getBoolean(1);
      } catch (SQLException e) {
        return false;
      }
    }

    /** The base URL of the running agent's HTTP API, if it runs. */
    public Optional<String> apiUrl() {
      PghaAgent a = agent;
      if (a != null) {
        return Optional.of(a.apiBaseUrl());
      }
      Process c = child;
      return c != null && c.isAlive()
          ? Optional.of("http://127.0.0.1:" + apiPort)
          : Optional.empty();
    }

    /** Whether an agent runs for this member (it may still be starting). */
    public boolean isRunning() {
      Process c = child;
      return agent != null || (c != null && c.isAlive());
    }

    /** The status code of {@code GET <path>} on this member's HTTP API (-1 when it is down). */
    public int apiStatus(String path) {
      Optional<String> base = apiUrl();
      if (base.isEmpty()) {
        return -1;
      }
      try {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(base.get() + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException | RuntimeException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    /** {@code POST <path>} with a JSON body on this member's HTTP API; returns the status code. */
    public int apiPost(String path, String json) throws IOException, InterruptedException {
      return api("POST", path, json).status();
    }

    /**
     * Sends {@code method path} with an optional JSON body to this member's HTTP API and returns
     * the status code and body.
     */
    public ApiResponse api(String method, String path, String json)
        throws IOException, InterruptedException {
      Optional<String> base = apiUrl();
      if (base.isEmpty()) {
        throw new IOException(name + ": no agent runs");
      }
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base.get() + path)).timeout(Duration.ofSeconds(60));
      if (json == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new ApiResponse(r.statusCode(), r.body());
    }

    /** Runs one SQL statement on this member as the superuser. */
    public void execute(String sql) throws SQLException {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    /** Whether this member's PostgreSQL answers in recovery (streaming or not). */
    public boolean isReplica() {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        return rs.next() && rs.getBoolean(1);
      } catch (SQLException e) {
        return false;
      }
    }

    /** Whether this member's PostgreSQL answers as a replica that streams. */
    public boolean isStreamingReplica() {
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

    /**
     * One line on where this member stands, for the message of a wait that timed out: what its
     * PostgreSQL answers (or why it does not) and the last events its agent told.
     */
    public String describe() {
      String postgres;
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver),"
                      + " (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver)")) {
        rs.next();
        postgres =
            rs.getBoolean(1)
                ? "in recovery, WAL receiver " + rs.getString(2) + " from " + rs.getString(3)
                : "read-write";
      } catch (SQLException e) {
        postgres = "no answer (" + e.getSQLState() + ")";
      }
      List<TimedEvent> told = events();
      List<String> last =
          told.subList(Math.max(0, told.size() - 3), told.size()).stream()
              .map(e -> e.event().toString())
              .toList();
      return name + ": PostgreSQL " + postgres + "; last events " + last;
    }

    /** Every event this member's agents told so far, oldest first. */
    public List<TimedEvent> events() {
      return List.copyOf(events);
    }

    /**
     * When this member first heard an event of {@code type} after {@code sinceNanos} (a {@link
     * System#nanoTime()} reading), if it did. Events of earlier scenarios stay in the list.
     */
    public Optional<Long> firstEventNanos(Class<? extends AgentEvent> type, long sinceNanos) {
      return events.stream()
          .filter(e -> type.isInstance(e.event()) && e.nanos() - sinceNanos > 0)
          .map(TimedEvent::nanos)
          .findFirst();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** An HTTP API answer: status code and body. */
  public record ApiResponse(int status, String body) {}

  /** An agent event and when the test heard it. */
  public record TimedEvent(long nanos, AgentEvent event) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final LocalEtcd etcd;
  private final boolean ownsEtcd;
  final String scope;
  private final Path workDir;
  private final Duration ttl;
  private final Duration loopWait;
  private final Duration retryTimeout;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private long maximumLagOnFailover = 1024 * 1024;
  private boolean failsafeMode;
  private boolean agentsInOwnJvm;
  // A small heap, and C1 only: test agents start often and live briefly.
  private List<String> agentJvmOptions =
      List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private boolean everyEtcdMember;
  private static final OsUser OS_USER = OsUser.forPostgres();

  /**
   * Starts etcd and prepares {@code members} members (not started yet).
   *
   * @param ttl the leader lease ttl
   * @param loopWait the HA loop period
   * @param retryTimeout etcd and PostgreSQL retry bound
   */
  public LocalPghaCluster(int members, Duration ttl, Duration loopWait, Duration retryTimeout) {
    this(members, 1, ttl, loopWait, retryTimeout);
  }

  /**
   * Starts an etcd of {@code etcdMembers} members and prepares {@code members} members; every
   * member reaches etcd through its proxy to the first etcd member (or, see {@link
   * #everyEtcdMember}, through its proxies to every etcd member).
   */
  public LocalPghaCluster(
      int members, int etcdMembers, Duration ttl, Duration loopWait, Duration retryTimeout) {
    this(members, LocalEtcd.start(etcdMembers), true, ttl, loopWait, retryTimeout);
  }

  /**
   * Prepares {@code members} members of another cluster, with a scope of its own, on the etcd of
   * {@code other} and with its timings (e.g. a standby cluster of {@code other}). {@code other}
   * keeps owning that etcd: closing this cluster leaves it running.
   */
  public LocalPghaCluster(int members, LocalPghaCluster other) {
    this(members, other.etcd, false, other.ttl, other.loopWait, other.retryTimeout);
  }

  private LocalPghaCluster(
      int members,
      LocalEtcd etcd,
      boolean ownsEtcd,
      Duration ttl,
      Duration loopWait,
      Duration retryTimeout) {
    this.ttl = ttl;
    this.loopWait = loopWait;
    this.retryTimeout = retryTimeout;
    this.workDir = Testkit.newWorkDir("pgha-cluster");
    String dirName = workDir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "");
    // Clusters on one etcd need scopes of their own: the work directory's random tail.
    this.scope =
        "test-" + (ownsEtcd ? dirName.substring(0, 8) : dirName.substring(dirName.length() - 8));
    this.etcd = etcd;
    this.ownsEtcd = ownsEtcd;
    for (int i = 1; i <= members; i++) {
      String name = "pg" + i;
      Path nodeDir = OS_USER.createOwnedDirectory(workDir.resolve(name));
      List<FaultProxy> proxies = new ArrayList<>();
      for (String endpoint : etcd.clientEndpoints()) {
        String[] hostPort = endpoint.replace("http://", "").split(":");
        proxies.add(FaultProxy.start(hostPort[0], Integer.parseInt(hostPort[1])));
      }
      nodes.put(name, new Node(name, freePort(), nodeDir.resolve("data"), proxies));
    }
  }

  /**
   * Runs each agent started from now on in a JVM of its own ({@link LocalAgentMain}, with this
   * JVM's class path), recorded in {@link ProcessTracker}: a test can then SIGSTOP it ({@link
   * Node#pauseAgent()}). Its events still reach {@link Node#events()}, through its output.
   */
  public LocalPghaCluster agentsInOwnJvm(boolean enabled) {
    this.agentsInOwnJvm = enabled;
    return this;
  }

  /**
   * The JVM options of agents in JVMs of their own started from now on (see {@link
   * #agentsInOwnJvm}), instead of the kit's small-heap defaults; a footprint measurement passes the
   * shipped service's options.
   */
  public LocalPghaCluster agentJvmOptions(List<String> options) {
    this.agentJvmOptions = List.copyOf(options);
    return this;
  }

  /**
   * Agents started from now on reach every etcd member (each through a proxy of its own) instead of
   * the first one only; {@link Node#blackholeEtcd()} still cuts all of a member's paths.
   */
  public LocalPghaCluster everyEtcdMember(boolean enabled) {
    this.everyEtcdMember = enabled;
    return this;
  }

  /** {@code failsafe_mode} for a cluster bootstrapped from now on. */
  public LocalPghaCluster failsafeMode(boolean enabled) {
    this.failsafeMode = enabled;
    return this;
  }

  /** {@code maximum_lag_on_failover} for members started from now on (before the bootstrap). */
  public LocalPghaCluster maximumLagOnFailover(long bytes) {
    this.maximumLagOnFailover = bytes;
    return this;
  }

  /** The cluster's scope (its etcd keys live under {@code /service/<scope>/}). */
  public String scope() {
    return scope;
  }

  /** etcd's client endpoints, directly (the members reach it through their proxies). */
  public List<String> etcdEndpoints() {
    return etcd.clientEndpoints();
  }

  /** The etcd cluster itself, for tests that stop, pause or restart its members. */
  public LocalEtcd etcd() {
    return etcd;
  }

  /** The password of the {@code postgres} superuser of every member. */
  public static String superuserPassword() {
    return SUPERUSER_PASSWORD;
  }

  /** Every member, in name order. */
  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  /** The member called {@code name} (pg1, pg2, ...), or null. */
  public Node node(String name) {
    return nodes.get(name);
  }

  /** Starts an agent for every member. */
  public void startAll() {
    nodes.values().forEach(Node::start);
  }

  /** The member whose PostgreSQL accepts writes, if exactly one does. */
  public Optional<Node> writablePrimary() {
    List<Node> primaries = nodes.values().stream().filter(Node::isWritablePrimary).toList();
    return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
  }

  /** Every member but {@code node}. */
  public List<Node> othersThan(Node node) {
    List<Node> others = new ArrayList<>(nodes.values());
    others.remove(node);
    return others;
  }

  /**
   * Waits until exactly one member is a writable primary and every other one streams from a
   * primary; returns the primary.
   *
   * @throws IllegalStateException when that does not happen within {@code timeout}
   */
  public Node awaitHealthy(Duration timeout) {
    return awaitPrimary(
        timeout,
        "one primary and streaming replicas",
        primary -> othersThan(primary).stream().allMatch(Node::isStreamingReplica));
  }

  /** Waits until a member other than {@code old} is the only writable primary; returns it. */
  public Node awaitNewPrimary(Node old, Duration timeout) {
    return awaitPrimary(timeout, "a primary other than " + old, primary -> primary != old);
  }

  private Node awaitPrimary(Duration timeout, String what, Predicate<Node> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<Node> primary = writablePrimary();
      if (primary.isPresent() && done.test(primary.get())) {
        return primary.get();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // The members' state in the message: a CI run keeps only the failure's first lines.
    throw new IllegalStateException(
        "no "
            + what
            + " within "
            + timeout
            + ": "
            + nodes.values().stream().map(Node::describe).toList());
  }

  /** Every member whose PostgreSQL accepts writes now (more than one is a split brain). */
  public List<Node> writablePrimaries() {
    return nodes.values().stream().filter(Node::isWritablePrimary).toList();
  }

  /** What an agent of {@code node} is started with, as properties (see {@link #configOf}). */
  private Properties spec(Node node) {
    Properties p = new Properties();
    p.setProperty("scope", scope);
    p.setProperty("name", node.name);
    List<FaultProxy> proxies = everyEtcdMember ? node.etcdProxies : List.of(node.etcdProxy);
    p.setProperty(
        "etcd", String.join(",", proxies.stream().map(x -> "http://" + x.endpoint()).toList()));
    p.setProperty("dataDir", node.dataDir.toString());
    p.setProperty("pgPort", Integer.toString(node.pgPort));
    p.setProperty("apiPort", Integer.toString(node.apiPort));
    p.setProperty("ttl", ttl.toString());
    p.setProperty("loopWait", loopWait.toString());
    p.setProperty("retryTimeout", retryTimeout.toString());
    p.setProperty("pgRpo", Long.toString(maximumLagOnFailover));
    p.setProperty("failsafeMode", Boolean.toString(failsafeMode));
    node.tags.forEach((k, v) -> p.setProperty("tag." + k, v));
    return p;
  }

  /** The configuration of a test agent described by {@link #spec} (here or in its own JVM). */
  static PghaConfig.Builder configOf(Properties p) {
    Map<String, String> tags = new LinkedHashMap<>();
    p.stringPropertyNames().stream()
        .filter(k -> k.startsWith("tag."))
        .sorted()
        .forEach(k -> tags.put(k.substring(4), p.getProperty(k)));
    return PghaConfig.builder()
        .scope(p.getProperty("scope"))
        .name(p.getProperty("name"))
        .etcdEndpoints(List.of(p.getProperty("etcd").split(",")))
        .postgresDataDir(Path.of(p.getProperty("dataDir")))
        .postgresListen("127.0.0.1:" + p.getProperty("pgPort"))
        .superuser("postgres", SUPERUSER_PASSWORD)
        .replicationUser("replicator", REPLICATION_PASSWORD)
        .removeDataDirectoryOnRewindFailure(true)
        .postgres(LocalPghaCluster::tune)
        .restApiListen("127.0.0.1:" + p.getProperty("apiPort"))
        .ttl(Duration.parse(p.getProperty("ttl")))
        .loopWait(Duration.parse(p.getProperty("loopWait")))
        .retryTimeout(Duration.parse(p.getProperty("retryTimeout")))
        .primaryStartTimeout(Duration.ofSeconds(10))
        .pgRpo(Long.parseLong(p.getProperty("pgRpo")))
        .failsafeMode(Boolean.parseBoolean(p.getProperty("failsafeMode")))
        .tags(tags);
  }

  static void tune(PostgresSettings.Builder b) {
    b.runAsUser(OS_USER.needsSwitch() ? OS_USER.name() : null)
        // Tests trade durability for speed on a shared disk; what pg_rewind needs stays on.
        .initdbOptions(List.of("--data-checksums", "--encoding=UTF8", "--no-sync"))
        .parameter("fsync", "off")
        .parameter("shared_buffers", "16MB")
        .parameter("max_connections", "40")
        .parameter("wal_keep_size", "64MB");
  }

  static int freePort() {
    // The kit's allocator: below the ephemeral range and never the same port twice in a JVM. A
    // port the kernel picked (ServerSocket(0)) could come back for the API of a member whose
    // PostgreSQL port it was, chosen before that PostgreSQL bound it.
    return Testkit.freePort();
  }

  @Override
  public void close() {
    // Replicas first: stopping the leader first would only hand leadership from one to the next.
    List<Node> order = new ArrayList<>(nodes.values());
    // A frozen member would hang the probe below, its own clean stop and a peer's hand-over.
    for (Node node : order) {
      try {
        node.thaw();
      } catch (RuntimeException e) {
        // the stop and kill below still end it
      }
    }
    order.sort((a, b) -> Boolean.compare(a.isWritablePrimary(), b.isWritablePrimary()));
    for (Node node : order) {
      try {
        node.heal(); // a black-holed agent could not hand over
        node.stop();
      } catch (RuntimeException e) {
        // fall through to the kill below
      }
      try {
        node.killPostmaster();
      } catch (RuntimeException e) {
        // a stale postmaster.pid: nothing runs any more
      }
      node.etcdProxies.forEach(FaultProxy::close);
    }
    if (ownsEtcd) {
      etcd.close();
    }
  }
}
