package io.pgha.examples.demo;

import io.pgha.jdbc.TopologyAwareDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's application: writer threads insert rows with unique keys through {@link
 * TopologyAwareDataSource} (so they reach whoever leads now), reader threads query through {@link
 * TopologyAwareDataSource#readOnly()} (so replicas serve them). Plain JDBC, no retries: every
 * failure the application would see is counted. A write counts as acknowledged once its INSERT
 * returned in auto-commit mode; its key is kept to check later that the cluster still has it.
 */
final class ClientWorkload implements AutoCloseable {
  static final String TABLE = "demo_writes";
  private static final long PAUSE_MILLIS = 20;

  /** Counters at one moment. */
  record Counters(long acked, long writeErrors, long reads, long readErrors) {}

  /**
   * What the client saw since a {@link #mark(int)}: when the first write begun after the mark was
   * acknowledged by another server than the one marked (0 while none was), how long writes had been
   * unavailable then (since the previous acknowledged write, wherever), and the reads served from
   * the mark until then.
   */
  record Window(
      long markNanos,
      int leavingPort,
      long readsAtMark,
      long firstAckNanos,
      long unavailableNanos,
      long readsAtFirstAck) {

    boolean writesResumed() {
      return firstAckNanos != 0;
    }

    double unavailableSeconds() {
      return unavailableNanos / 1e9;
    }

    long readsUntilFirstAck() {
      return readsAtFirstAck - readsAtMark;
    }

    Window afterAck(int port, long startedNanos, long nowNanos, long gapNanos, long readsNow) {
      if (firstAckNanos != 0 || port == leavingPort || startedNanos - markNanos <= 0) {
        return this;
      }
      return new Window(markNanos, leavingPort, readsAtMark, nowNanos, gapNanos, readsNow);
    }
  }

  private final TopologyAwareDataSource ds;
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextKey = new AtomicLong(1);
  private final AtomicLong writeErrors = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();
  private final Map<Integer, AtomicLong> writesByPort = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> readsByPort = new ConcurrentHashMap<>();
  private final AtomicReference<Window> window =
      new AtomicReference<>(new Window(System.nanoTime(), 0, 0, 0, 0, 0));
  private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong lastReadNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong longestReadGapNanos = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  ClientWorkload(TopologyAwareDataSource ds, int writers, int readers) {
    this.ds = ds;
    for (int i = 1; i <= writers; i++) {
      threads.add(new Thread(this::writeLoop, "demo-writer-" + i));
    }
    for (int i = 1; i <= readers; i++) {
      threads.add(new Thread(this::readLoop, "demo-reader-" + i));
    }
    threads.forEach(t -> t.setDaemon(true));
  }

  static void createTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
    }
  }

  ClientWorkload start() {
    threads.forEach(Thread::start);
    return this;
  }

  Counters counters() {
    return new Counters(acked.size(), writeErrors.get(), reads.get(), readErrors.get());
  }

  /** Acknowledged writes and reads served so far, by the PostgreSQL port that served them. */
  Map<Integer, Long> writesByPort() {
    return snapshot(writesByPort);
  }

  Map<Integer, Long> readsByPort() {
    return snapshot(readsByPort);
  }

  /** The message of the latest failure, for the live view. */
  String lastError() {
    return lastError.get();
  }

  /**
   * Starts a new observation window now, just before the server on {@code leavingPort} stops taking
   * writes (a fault or a switchover).
   */
  void mark(int leavingPort) {
    window.set(new Window(System.nanoTime(), leavingPort, reads.get(), 0, 0, 0));
    longestReadGapNanos.set(0);
  }

  Window window() {
    return window.get();
  }

  /** The longest pause between two successful reads since the last {@link #mark(int)}. */
  double longestReadGapSeconds() {
    long sinceLast = System.nanoTime() - lastReadNanos.get();
    return Math.max(longestReadGapNanos.get(), sinceLast) / 1e9;
  }

  /**
   * Acknowledged writes the cluster does not have: compares the keys acknowledged so far with the
   * rows {@code leader} holds.
   */
  long lostWrites(Connection leader) throws SQLException {
    Set<Long> expected = new HashSet<>(acked);
    Set<Long> present = new HashSet<>();
    try (Statement s = leader.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE)) {
      while (rs.next()) {
        present.add(rs.getLong(1));
      }
    }
    expected.removeAll(present);
    return expected.size();
  }

  private void writeLoop() {
    while (running.get()) {
      long key = nextKey.getAndIncrement();
      long started = System.nanoTime();
      try (Connection c = ds.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO " + TABLE + " (id) VALUES (?) RETURNING inet_server_port()")) {
        ps.setLong(1, key);
        int port;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          port = rs.getInt(1);
        }
        acked.add(key);
        writesByPort.computeIfAbsent(port, p -> new AtomicLong()).incrementAndGet();
        acknowledged(port, started);
      } catch (SQLException | RuntimeException e) {
        if (running.get()) {
          writeErrors.incrementAndGet();
          lastError.set("write: " + describe(e));
        }
      }
      pause();
    }
  }

  private void acknowledged(int port, long started) {
    long now = System.nanoTime();
    long gap = now - lastAckNanos.getAndSet(now);
    long readsNow = reads.get();
    window.updateAndGet(w -> w.afterAck(port, started, now, gap, readsNow));
  }

  private void readLoop() {
    while (running.get()) {
      try (Connection c = ds.readOnly().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT inet_server_port(), max(id) FROM " + TABLE)) {
        rs.next();
        int port = rs.getInt(1);
        reads.incrementAndGet();
        long now = System.nanoTime();
        longestReadGapNanos.accumulateAndGet(now - lastReadNanos.getAndSet(now), Math::max);
        readsByPort.computeIfAbsent(port, p -> new AtomicLong()).incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        if (running.get()) {
          readErrors.incrementAndGet();
          lastError.set("read: " + describe(e));
        }
      }
      pause();
    }
  }

  private static String describe(Exception e) {
    String state = e instanceof SQLException sql ? sql.getSQLState() : null;
    String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    return (state == null ? "" : "[" + state + "] ") + message;
  }

  private static void pause() {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<Integer, Long> snapshot(Map<Integer, AtomicLong> counts) {
    Map<Integer, Long> copy = new TreeMap<>();
    counts.forEach((port, n) -> copy.put(port, n.get()));
    return copy;
  }

  @Override
  public void close() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
