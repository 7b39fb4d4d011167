package io.pgha.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * One probe client: a writer inserting a unique id every ~20 ms and a reader reading every ~20 ms,
 * each on its own thread, without retries. Every attempt is recorded with its times and outcome.
 */
final class Probe implements AutoCloseable {
  static final String PGHA_JDBC = "pgha-jdbc";
  static final String HIKARI_HAPROXY = "hikari+haproxy";
  static final String TABLE = "bench_probe";
  private static final long PERIOD_MILLIS = 20;

  final String name;
  private final DataSource writes;
  private final DataSource reads;
  private final AtomicLong nextId;
  private final List<Attempt> attempts = new ArrayList<>();
  private volatile boolean stopped;
  private final Thread writer;
  private final Thread reader;

  /**
   * Starts the two threads.
   *
   * @param firstId the first id this client inserts (clients use disjoint ranges)
   */
  Probe(String name, DataSource writes, DataSource reads, long firstId) {
    this.name = name;
    this.writes = writes;
    this.reads = reads;
    this.nextId = new AtomicLong(firstId);
    this.writer = new Thread(() -> loop(true), "probe-" + name + "-writer");
    this.reader = new Thread(() -> loop(false), "probe-" + name + "-reader");
    writer.setDaemon(true);
    reader.setDaemon(true);
    writer.start();
    reader.start();
  }

  /** Creates the probe's table on the leader (once per cluster). */
  static void createTable(Connection leader) throws SQLException {
    try (Statement s = leader.createStatement()) {
      s.execute("create table if not exists " + TABLE + " (id bigint primary key, at timestamptz)");
    }
  }

  private void loop(boolean write) {
    while (!stopped) {
      long id = write ? nextId.getAndIncrement() : 0;
      long invoke = System.nanoTime();
      String error = null;
      try {
        if (write) {
          insert(id);
        } else {
          read();
        }
      } catch (SQLException e) {
        error = (e.getSQLState() == null ? "-" : e.getSQLState()) + " " + e.getMessage();
      } catch (RuntimeException e) {
        error = "- " + e;
      }
      record(new Attempt(write, id, invoke, System.nanoTime(), error == null, error));
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void insert(long id) throws SQLException {
    try (Connection c = writes.getConnection();
        PreparedStatement ps =
            c.prepareStatement("insert into " + TABLE + " (id, at) values (?, now())")) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
  }

  private void read() throws SQLException {
    try (Connection c = reads.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1")) {
      rs.next();
    }
  }

  private synchronized void record(Attempt a) {
    attempts.add(a);
  }

  /** Every attempt so far, in the order they ended per thread. */
  synchronized List<Attempt> attempts() {
    List<Attempt> copy = new ArrayList<>(attempts);
    copy.sort(java.util.Comparator.comparingLong(Attempt::endNanos));
    return copy;
  }

  /** Forgets the attempts that ended before {@code nanos} (they belong to finished runs). */
  synchronized void forgetBefore(long nanos) {
    attempts.removeIf(a -> a.endNanos() - nanos < 0);
  }

  /**
   * Whether the last {@code n} writes and the last {@code n} reads all succeeded and started after
   * {@code since}.
   */
  synchronized boolean steadySince(long since, int n) {
    return steady(true, since, n) && steady(false, since, n);
  }

  private boolean steady(boolean write, long since, int n) {
    int ok = 0;
    for (int i = attempts.size() - 1; i >= 0 && ok < n; i--) {
      Attempt a = attempts.get(i);
      if (a.write() != write) {
        continue;
      }
      if (!a.ok() || a.invokeNanos() - since < 0) {
        return false;
      }
      ok++;
    }
    return ok >= n;
  }

  @Override
  public void close() {
    stopped = true;
    writer.interrupt();
    reader.interrupt();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
      reader.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
