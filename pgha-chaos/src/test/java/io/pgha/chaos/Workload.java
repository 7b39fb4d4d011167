package io.pgha.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N clients appending unique values through a DataSource that routes writes to the leader, each
 * reading its value back after an acknowledgment. Every operation lands in the {@link History}.
 */
final class Workload implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workload.class);

  static final String TABLE = "chaos_log";

  /** Where the write ran, read in the write's own transaction, before the commit. */
  private static final String WHERE =
      "SELECT inet_server_port(), pg_walfile_name(pg_current_wal_insert_lsn()),"
          + " pg_current_wal_insert_lsn() - '0/0'::pg_lsn,"
          + " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint";

  private final DataSource dataSource;
  private final History history;
  private final int clients;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  Workload(DataSource dataSource, History history, int clients) {
    this.dataSource = dataSource;
    this.history = history;
    this.clients = clients;
  }

  static void createTable(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (v bigint PRIMARY KEY, client int NOT NULL, at timestamptz DEFAULT now())");
    }
  }

  void start() {
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread t = new Thread(() -> run(client), "chaos-client-" + client);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(int client) {
    long seq = 0;
    while (running.get()) {
      long value = (long) client * 1_000_000_000L + seq++;
      WriteOp write = append(client, value);
      history.add(write);
      if (write.outcome() == Outcome.OK) {
        history.add(readBack(client, value));
      } else {
        pause(200);
      }
      pause(20);
    }
  }

  private WriteOp append(int client, long value) {
    long invoke = System.nanoTime();
    boolean committing = false;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO " + TABLE + " (v, client) VALUES (?, ?)")) {
        insert.setLong(1, value);
        insert.setInt(2, client);
        insert.executeUpdate();
      }
      int port;
      int timeline;
      long lsn;
      long serverMicros;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(WHERE)) {
        rs.next();
        port = rs.getInt(1);
        timeline = Integer.parseInt(rs.getString(2).substring(0, 8), 16);
        lsn = rs.getLong(3);
        serverMicros = rs.getLong(4);
      }
      committing = true;
      c.commit();
      return WriteOp.ok(
          client, value, invoke, System.nanoTime(), port, timeline, lsn, serverMicros);
    } catch (SQLException | RuntimeException e) {
      Outcome outcome = committing ? Outcome.UNKNOWN : Outcome.FAIL;
      return WriteOp.failed(client, value, invoke, System.nanoTime(), outcome, describe(e));
    }
  }

  private ReadOp readBack(int client, long value) {
    long invoke = System.nanoTime();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*), inet_server_port() FROM " + TABLE + " WHERE v = ?")) {
      s.setLong(1, value);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new ReadOp(
            client, value, invoke, System.nanoTime(), Outcome.OK, rs.getLong(1) == 1, rs.getInt(2));
      }
    } catch (SQLException | RuntimeException e) {
      return new ReadOp(client, value, invoke, System.nanoTime(), Outcome.FAIL, false, -1);
    }
  }

  private static String describe(Exception e) {
    String state =
        e instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() + " " : "";
    String message = String.valueOf(e.getMessage());
    return state + (message.length() > 120 ? message.substring(0, 120) : message);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(60_000);
        if (t.isAlive()) {
          LOG.warn("{} did not stop within 60 s", t.getName());
          t.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
