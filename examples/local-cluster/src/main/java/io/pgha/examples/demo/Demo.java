package io.pgha.examples.demo;

import ch.qos.logback.classic.LoggerContext;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * The demo's cluster, client, live view and web page, and the scripted scenario that runs on them:
 * steady load, host failure of the leader, failover, rejoin of the old leader as a replica, a
 * frozen (hung) leader host, failover, thaw, planned switchover, summary. {@link LocalClusterDemo}
 * runs it from the command line; the smoke test runs it in a short form.
 */
final class Demo implements AutoCloseable {
  static final Duration TTL = Duration.ofSeconds(5);
  static final Duration LOOP_WAIT = Duration.ofSeconds(1);
  static final Duration RETRY_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final int WRITERS = 2;
  private static final int READERS = 2;

  private final DemoOptions options;
  private final PrintStream out;
  private DemoWebServer web;
  private LocalPghaCluster cluster;
  private AgentEventTail agentEvents;
  private TopologyAwareDataSource ds;
  private ClientWorkload workload;
  private volatile LiveView view;
  private volatile boolean closed;

  Demo(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Starts the web page, then etcd, PostgreSQL and the agents, then the client. */
  void start() throws SQLException {
    web = DemoWebServer.start(options.port(), this::snapshot);
    say("web page: %s (topology, roles, lag and a timeline of the client's traffic)", web.url());
    say(
        "starting etcd and three PostgreSQL members, each managed by a pgha agent in a JVM of its"
            + " own (ttl %ds, loop_wait %ds, asynchronous replication)...",
        TTL.toSeconds(), LOOP_WAIT.toSeconds());
    // Agents in JVMs of their own: a frozen host must not freeze this JVM's client.
    cluster = new LocalPghaCluster(3, TTL, LOOP_WAIT, RETRY_TIMEOUT).agentsInOwnJvm(true);
    agentEvents = AgentEventTail.start(cluster);
    cluster.startAll();
    Node primary = cluster.awaitHealthy(Duration.ofSeconds(180));
    say("cluster is up: %s leads, the others stream from it", primary);
    try (Connection c = primary.connect()) {
      ClientWorkload.createTable(c);
    }
    ds =
        new TopologyAwareDataSource(
            PghaDataSourceConfig.builder()
                .etcd(cluster.etcdEndpoints())
                .scope(cluster.scope())
                .username("postgres")
                .password(LocalPghaCluster.superuserPassword())
                .poolName("demo")
                .maximumPoolSize(4)
                .leaderWaitTimeout(Duration.ofSeconds(15))
                .build());
    workload = new ClientWorkload(ds, WRITERS, READERS).start();
    view = new LiveView(new ClusterProbe(cluster), ds, workload, out).start();
    say(
        "client: %d writers and %d readers, each a statement every ~20 ms through"
            + " TopologyAwareDataSource (writes to the leader, reads via ds.readOnly() to replicas),"
            + " plain JDBC without retries",
        WRITERS, READERS);
  }

  /** What the host failure showed. */
  private record Failover(
      Node old, Node next, double unavailableSeconds, long failedWrites, long readsServed) {}

  /** Whether the old leader came back, and whom it streams from. */
  private record Rejoin(boolean rejoined, String follows) {}

  /** What the planned switchover showed; {@code after} is null when the API refused it. */
  private record Switchover(
      Node from, Node to, Node after, long failedWrites, double pauseSeconds) {}

  /** The scripted scenario; returns what it showed. */
  DemoSummary runScenario() throws SQLException, IOException, InterruptedException {
    view.phase("steady load");
    view.event("info", "steady load for %d s", options.pace().steadySeconds());
    sleepSeconds(options.pace().steadySeconds());
    Failover failover = killLeaderHost();
    sleepSeconds(options.pace().observeSeconds());
    double readPause = workload.longestReadGapSeconds();
    Rejoin rejoin = bringBack(failover);
    sleepSeconds(options.pace().observeSeconds());
    Failover freeze = freezeLeaderHost();
    sleepSeconds(options.pace().observeSeconds());
    Rejoin thawed = thaw(freeze);
    sleepSeconds(options.pace().observeSeconds());
    Switchover switchover = switchOver(rejoin.rejoined() ? failover.old() : null);
    sleepSeconds(options.pace().observeSeconds());

    view.phase("summary");
    long acked = workload.counters().acked();
    long lost;
    try (Connection c = cluster.awaitHealthy(CONVERGE).connect()) {
      lost = workload.lostWrites(c);
    }
    DemoSummary summary =
        new DemoSummary(
            failover.old().name,
            failover.next().name,
            failover.unavailableSeconds(),
            failover.failedWrites(),
            failover.readsServed(),
            readPause,
            rejoin.rejoined(),
            rejoin.follows(),
            freeze.old().name,
            freeze.next().name,
            freeze.unavailableSeconds(),
            freeze.failedWrites(),
            thawed.rejoined(),
            switchover.from().name,
            switchover.to().name,
            (switchover.after() == null ? switchover.from() : switchover.after()).name,
            switchover.failedWrites(),
            switchover.pauseSeconds(),
            acked,
            lost);
    view.summary(summary);
    return summary;
  }

  /** How the leader's host fails in one step of the scenario. */
  private enum HostFault {
    /** Its agent vanishes and its PostgreSQL is killed with SIGKILL. */
    KILL(
        "host failure of the leader",
        "killing the leader's host: %s's agent and its PostgreSQL, kill -9",
        "%s was promoted %.1f s after %s's PostgreSQL died"),
    /**
     * A hung host: its agent, its postmaster and every backend stopped (SIGSTOP). Its sockets stay
     * open and nothing answers; unlike a kill, nothing tells the client or the replicas that it is
     * gone.
     */
    FREEZE(
        "frozen leader host",
        "freezing the leader's host: %s's agent, its PostgreSQL and every backend, kill -STOP"
            + " (a hung host: nothing is reset)",
        "%s was promoted %.1f s after %s froze (its leader key expired)");

    final String phase;
    final String injected;
    final String promoted;

    HostFault(String phase, String injected, String promoted) {
      this.phase = phase;
      this.injected = injected;
      this.promoted = promoted;
    }
  }

  private Failover killLeaderHost() {
    return failLeaderHost(HostFault.KILL);
  }

  private Failover freezeLeaderHost() {
    return failLeaderHost(HostFault.FREEZE);
  }

  /** The leader's host fails; waits for the failover and for the client's writes to resume. */
  private Failover failLeaderHost(HostFault fault) {
    Node old = cluster.awaitHealthy(CONVERGE);
    view.phase(fault.phase);
    workload.mark(old.pgPort);
    long errorsBefore = workload.counters().writeErrors();
    view.event("fault", fault.injected, old);
    if (fault == HostFault.KILL) {
      old.killHost();
    } else {
      old.freezeHost();
    }
    long failed = System.nanoTime();
    // Only the others are asked: asking a frozen member costs a timeout each time.
    Node next = awaitNewPrimaryAmong(cluster.othersThan(old), CONVERGE);
    view.phase("failover");
    view.event("failover", fault.promoted, next, (System.nanoTime() - failed) / 1e9, old);
    await(() -> workload.window().writesResumed(), Duration.ofSeconds(60), "writes to resume");
    ClientWorkload.Window w = workload.window();
    Failover f =
        new Failover(
            old,
            next,
            w.unavailableSeconds(),
            workload.counters().writeErrors() - errorsBefore,
            w.readsUntilFirstAck());
    view.event(
        "failover",
        "writes resumed on %s: %.2f s from the last acknowledged write on %s to the first on %s"
            + " (RTO); %d writes failed, %d reads served meanwhile",
        next,
        f.unavailableSeconds(),
        old,
        next,
        f.failedWrites(),
        f.readsServed());
    return f;
  }

  private Node awaitNewPrimaryAmong(List<Node> candidates, Duration timeout) {
    Node[] found = new Node[1];
    await(
        () -> {
          found[0] = candidates.stream().filter(Node::isWritablePrimary).findFirst().orElse(null);
          return found[0] != null;
        },
        timeout,
        "a new primary");
    return found[0];
  }

  /** Thaws the frozen old leader: its agent finds it lost the key, demotes and follows. */
  private Rejoin thaw(Failover freeze) {
    Node old = freeze.old();
    view.phase("thaw");
    view.event("rejoin", "thawing %s (kill -CONT): its agent finds another leader", old);
    old.thaw();
    return awaitRejoin(old);
  }

  /** Starts the old leader's agent again: it rewinds its data and follows the new leader. */
  private Rejoin bringBack(Failover failover) {
    Node old = failover.old();
    view.phase("rejoin");
    view.event(
        "rejoin", "bringing %s back: its agent rewinds it and follows %s", old, failover.next());
    old.start();
    return awaitRejoin(old);
  }

  private Rejoin awaitRejoin(Node old) {
    if (!waitFor(old::isStreamingReplica, CONVERGE)) {
      view.event("rejoin", "%s did not stream within %d s", old, CONVERGE.toSeconds());
      return new Rejoin(false, null);
    }
    String follows = upstreamOf(old);
    view.event("rejoin", "%s is back as a replica streaming from %s", old, follows);
    return new Rejoin(true, follows);
  }

  /**
   * A planned switchover through the leader's API, to {@code preferred} when it is a replica (the
   * old leader that came back), else to another member.
   */
  private Switchover switchOver(Node preferred) throws IOException, InterruptedException {
    Node leader = cluster.awaitHealthy(CONVERGE);
    Node candidate =
        preferred != null && preferred != leader ? preferred : cluster.othersThan(leader).get(0);
    view.phase("switchover");
    workload.mark(leader.pgPort);
    long errorsBefore = workload.counters().writeErrors();
    view.event(
        "switchover",
        "planned switchover: POST %s/switchover {\"leader\": \"%s\", \"candidate\": \"%s\"}",
        leader.apiUrl().orElse("?"),
        leader,
        candidate);
    LocalPghaCluster.ApiResponse answer = requestSwitchover(leader, candidate);
    if (answer.status() != 200) {
      view.event("switchover", "the API refused: %d %s", answer.status(), answer.body().strip());
      return new Switchover(leader, candidate, null, 0, 0);
    }
    Node after = cluster.awaitNewPrimary(leader, CONVERGE);
    await(() -> workload.window().writesResumed(), Duration.ofSeconds(60), "writes to resume");
    // Writes held back by the drain fail, if at all, when their wait ends: give them a moment.
    sleepSeconds(1);
    Switchover s =
        new Switchover(
            leader,
            candidate,
            after,
            workload.counters().writeErrors() - errorsBefore,
            workload.window().unavailableSeconds());
    view.event(
        "switchover",
        "%s leads; failed writes during the switchover: %d (writes paused %.2f s)",
        after,
        s.failedWrites(),
        s.pauseSeconds());
    return s;
  }

  /**
   * Keeps the cluster, the load and the web page up for {@code keepUp} (null: until the thread is
   * interrupted, e.g. by Ctrl-C).
   */
  void keepUp(Duration keepUp) {
    view.phase(
        "load continues"
            + (keepUp == null ? " until Ctrl-C" : " for " + keepUp.toMinutes() + " min"));
    say(
        "the cluster stays up%s; web page %s; members' APIs: %s; psql: PGPASSWORD=%s psql -h"
            + " 127.0.0.1 -p <port> -U postgres",
        keepUp == null ? " until Ctrl-C" : " for " + keepUp.toMinutes() + " min (Ctrl-C ends it)",
        web.url(),
        apis(),
        LocalPghaCluster.superuserPassword());
    long deadline = keepUp == null ? Long.MAX_VALUE : System.nanoTime() + keepUp.toNanos();
    while (!closed && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The web page's address, once it serves. */
  String webUrl() {
    return web.url();
  }

  private String apis() {
    StringBuilder b = new StringBuilder();
    for (Node n : cluster.nodes()) {
      n.apiUrl()
          .ifPresent(
              url -> b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(url));
    }
    return b.toString();
  }

  LiveView.Snapshot snapshot() {
    LiveView v = view;
    if (v == null) {
      return new LiveView.Snapshot(
          0,
          "starting the cluster",
          null,
          null,
          List.of(),
          new ClientWorkload.Counters(0, 0, 0, 0),
          null,
          List.of(),
          List.of(),
          null);
    }
    return v.snapshot();
  }

  /**
   * Asks {@code leader} to hand over. The old leader streams a moment before its member key says
   * so; until then the API refuses it as a candidate (412), as it would refuse an operator.
   */
  private LocalPghaCluster.ApiResponse requestSwitchover(Node leader, Node candidate)
      throws IOException, InterruptedException {
    String body =
        "{\"leader\": \"" + leader.name + "\", \"candidate\": \"" + candidate.name + "\"}";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      LocalPghaCluster.ApiResponse answer = leader.api("POST", "/switchover", body);
      if ((answer.status() != 412 && answer.status() != 503) || System.nanoTime() - deadline > 0) {
        return answer;
      }
      Thread.sleep(500);
    }
  }

  /** The member {@code node} streams WAL from, by the port its WAL receiver connects to. */
  private String upstreamOf(Node node) {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sender_port FROM pg_stat_wal_receiver")) {
      if (rs.next()) {
        int port = rs.getInt(1);
        return cluster.nodes().stream()
            .filter(n -> n.pgPort == port)
            .map(n -> n.name)
            .findFirst()
            .orElse("port " + port);
      }
    } catch (SQLException e) {
      // reported as unknown
    }
    return "?";
  }

  private boolean waitFor(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      sleepMillis(200);
    }
    return condition.getAsBoolean();
  }

  private void await(BooleanSupplier condition, Duration timeout, String what) {
    if (!waitFor(condition, timeout)) {
      throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what);
    }
  }

  private void sleepSeconds(int seconds) {
    sleepMillis(seconds * 1000L);
  }

  /** Sleeps, unless the demo is stopped (Ctrl-C): then the scenario ends here. */
  private void sleepMillis(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    do {
      if (closed) {
        throw new CancellationException("the demo was stopped");
      }
      try {
        Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      }
    } while (System.nanoTime() - deadline < 0);
    if (closed) {
      throw new CancellationException("the demo was stopped");
    }
  }

  private void say(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    synchronized (out) {
      out.printf(Locale.ROOT, "%tT  %s%n", System.currentTimeMillis(), line);
    }
  }

  /** Stops the client, the view, the web page, then the cluster (replicas first). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopClientAndPage();
    if (agentEvents != null) {
      agentEvents.close();
    }
    if (cluster != null) {
      say("stopping the cluster");
      cluster.close();
      say("done: nothing is left running");
    }
  }

  /**
   * Ctrl-C: the agents stop without handing over or waiting for etcd, and every process is killed
   * at once (the JVM is exiting; a clean stop would race the test kit killing etcd).
   */
  synchronized void abort() {
    if (closed) {
      return;
    }
    closed = true;
    stopClientAndPage();
    if (cluster != null) {
      say("interrupted: killing the cluster");
      quietLogs();
      // In parallel: each agent may wait on an etcd that the test kit's own hook killed already.
      List<Thread> halts =
          cluster.nodes().stream().map(n -> new Thread(n::haltAgent, "demo-halt-" + n)).toList();
      halts.forEach(Thread::start);
      for (Thread t : halts) {
        try {
          t.join(35_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      cluster.close();
      say("done: nothing is left running");
    }
  }

  /** The agents' complaints about the etcd being killed under them would only be noise now. */
  private static void quietLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.stop();
    }
  }

  private void stopClientAndPage() {
    if (workload != null) {
      workload.close();
    }
    if (view != null) {
      view.close();
    }
    if (web != null) {
      web.close();
    }
    if (ds != null) {
      ds.close();
    }
  }
}
