package io.pgha.examples.demo;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A probe client: one thread writes a row every 20 ms to whoever is primary over a direct
 * connection (finding the new primary by asking each member, as a smart client would), one thread
 * reads every 20 ms from a replica. It records every acknowledged write, the longest gap between
 * two acknowledged writes, and counts of reads and errors.
 */
final class Workload implements AutoCloseable {
  static final long INTERVAL_MILLIS = 20;

  private final LocalPghaCluster cluster;
  private final long firstId;
  private final ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
  private final AtomicLong lastAck = new AtomicLong(System.nanoTime());
  private final AtomicLong longestWriteGap = new AtomicLong();
  private final AtomicLong writeErrors = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();
  private final AtomicLong lastRead = new AtomicLong(System.nanoTime());
  private final AtomicLong longestReadGap = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread writer;
  private final Thread reader;

  Workload(LocalPghaCluster cluster, long firstId) {
    this.cluster = cluster;
    this.firstId = firstId;
    this.writer = new Thread(this::write, "demo-writer");
    this.reader = new Thread(this::read, "demo-reader");
  }

  static void createTable(Node primary) throws SQLException {
    try (Connection c = primary.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS probe (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
    }
  }

  Workload start() {
    writer.start();
    reader.start();
    return this;
  }

  long writes() {
    return acked.size();
  }

  long writeErrors() {
    return writeErrors.get();
  }

  long reads() {
    return reads.get();
  }

  long readErrors() {
    return readErrors.get();
  }

  /** Resets the gap counters, e.g. just before a fault is injected. */
  void resetGaps() {
    longestWriteGap.set(0);
    longestReadGap.set(0);
  }

  double longestWriteGapSeconds() {
    return longestWriteGap.get() / 1e9;
  }

  double longestReadGapSeconds() {
    return longestReadGap.get() / 1e9;
  }

  /** Acknowledged writes that {@code primary} does not have. */
  long missingOn(Node primary) throws SQLException {
    Set<Long> present = new HashSet<>();
    try (Connection c = primary.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM probe WHERE id >= " + firstId)) {
      while (rs.next()) {
        present.add(rs.getLong(1));
      }
    }
    return acked.stream().filter(id -> !present.contains(id)).count();
  }

  private void write() {
    long id = firstId;
    Node target = cluster.writablePrimary().orElse(null);
    Connection c = null;
    while (running.get()) {
      try {
        if (target == null) {
          target = cluster.writablePrimary().orElse(null);
          throw new SQLException("no primary yet");
        }
        if (c == null) {
          c = target.connect();
        }
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO probe (id) VALUES (" + id + ")");
        }
        acked.add(id);
        long now = System.nanoTime();
        longestWriteGap.accumulateAndGet(now - lastAck.getAndSet(now), Math::max);
      } catch (SQLException e) {
        writeErrors.incrementAndGet();
        closeQuietly(c);
        c = null;
        target = cluster.writablePrimary().orElse(null);
      }
      id++;
      sleep(INTERVAL_MILLIS);
    }
    closeQuietly(c);
  }

  private void read() {
    Connection c = null;
    while (running.get()) {
      try {
        if (c == null) {
          c = replica().connect();
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM probe")) {
          rs.next();
        }
        reads.incrementAndGet();
        long now = System.nanoTime();
        longestReadGap.accumulateAndGet(now - lastRead.getAndSet(now), Math::max);
      } catch (SQLException | RuntimeException e) {
        readErrors.incrementAndGet();
        closeQuietly(c);
        c = null;
      }
      sleep(INTERVAL_MILLIS);
    }
    closeQuietly(c);
  }

  private Node replica() {
    List<Node> replicas = cluster.nodes().stream().filter(Node::isStreamingReplica).toList();
    Optional<Node> any = replicas.stream().findAny();
    return any.orElseThrow(() -> new IllegalStateException("no streaming replica"));
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    writer.join();
    reader.join();
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // the server is gone; nothing to release
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
