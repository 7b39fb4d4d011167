package io.pgha.examples.demo;

import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.jdbc.topology.Topology;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster and the client as they are now, sampled once a second: prints one line per sample to
 * the terminal and keeps a timeline (the last {@value #KEPT_POINTS} samples and the scenario's
 * events) for the web page.
 */
final class LiveView implements AutoCloseable {
  static final int KEPT_POINTS = 900;

  /** Something that happened, {@code t} seconds after the demo started. */
  record Event(double t, String kind, String text) {}

  /** One second of client traffic, {@code t} seconds after the demo started. */
  record Point(
      double t,
      long writesPerSec,
      long readsPerSec,
      long writeErrors,
      long readErrors,
      String leader) {}

  /** Everything the web page draws, at one moment. */
  record Snapshot(
      double t,
      String phase,
      String leader,
      String draining,
      List<MemberView> members,
      ClientWorkload.Counters totals,
      String lastError,
      List<Point> points,
      List<Event> events,
      DemoSummary summary) {}

  private final ClusterProbe probe;
  private final TopologyAwareDataSource ds;
  private final ClientWorkload workload;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-live-view");
            t.setDaemon(true);
            return t;
          });
  private final Deque<Point> points = new ArrayDeque<>();
  private final List<Event> events = new ArrayList<>();
  private List<MemberView> members = List.of();
  private ClientWorkload.Counters last;
  private long lastNanos = startNanos;
  private String phase = "starting";
  private String leader;
  private String draining;
  private DemoSummary summary;

  LiveView(
      ClusterProbe probe, TopologyAwareDataSource ds, ClientWorkload workload, PrintStream out) {
    this.probe = probe;
    this.ds = ds;
    this.workload = workload;
    this.out = out;
    this.last = workload.counters();
  }

  LiveView start() {
    sampler.scheduleAtFixedRate(this::sampleQuietly, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  /** Records an event and prints it. */
  void event(String kind, String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    synchronized (this) {
      events.add(new Event(seconds(), kind, text));
    }
    say(">>> " + text);
  }

  synchronized void phase(String name) {
    this.phase = name;
  }

  synchronized void summary(DemoSummary value) {
    this.summary = value;
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(
        seconds(),
        phase,
        leader,
        draining,
        members,
        last,
        workload.lastError(),
        List.copyOf(points),
        List.copyOf(events),
        summary);
  }

  void say(String line) {
    synchronized (out) {
      out.printf(Locale.ROOT, "%tT  %s%n", System.currentTimeMillis(), line);
    }
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // A member going away mid-probe must not stop the view; the next second tries again.
      say("live view: " + e);
    }
  }

  private void sample() {
    Topology topology = ds.topology();
    List<MemberView> now = probe.probe(topology, workload.writesByPort(), workload.readsByPort());
    ClientWorkload.Counters c = workload.counters();
    long nanos = System.nanoTime();
    String line;
    synchronized (this) {
      double elapsed = Math.max(1e-3, (nanos - lastNanos) / 1e9);
      Point p =
          new Point(
              seconds(),
              Math.round((c.acked() - last.acked()) / elapsed),
              Math.round((c.reads() - last.reads()) / elapsed),
              c.writeErrors() - last.writeErrors(),
              c.readErrors() - last.readErrors(),
              topology.leaderName());
      points.addLast(p);
      if (points.size() > KEPT_POINTS) {
        points.removeFirst();
      }
      if (!Objects.equals(leader, topology.leaderName())) {
        String text =
            topology.leaderName() == null
                ? "leader key gone: no member leads"
                : topology.leaderName() + " holds the leader key";
        events.add(new Event(p.t(), topology.leaderName() == null ? "leaderless" : "leader", text));
      }
      leader = topology.leaderName();
      draining = topology.drainingLeader();
      members = now;
      last = c;
      lastNanos = nanos;
      StringJoiner status = new StringJoiner(" | ");
      now.forEach(m -> status.add(m.brief()));
      line =
          String.format(
              Locale.ROOT,
              "%s | writes/s %d reads/s %d | errors w %d r %d%s",
              status,
              p.writesPerSec(),
              p.readsPerSec(),
              c.writeErrors(),
              c.readErrors(),
              draining == null ? "" : " | " + draining + " drains");
    }
    say(line);
  }

  private double seconds() {
    return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    probe.close();
  }
}
