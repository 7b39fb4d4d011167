package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection the status probe keeps to the local server, as Patroni keeps one: a new
 * connection each probe (a backend fork and a SCRAM exchange on both sides) was the largest part of
 * an idle agent's CPU. A probe that finds the kept connection broken (the server restarted, a
 * backend was terminated) tries once more on a new one, so a broken connection alone never reads as
 * a server that does not answer. Concurrent probes do not queue behind each other: one that finds
 * the connection in use opens one of its own for that probe.
 */
final class ProbeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeConnection.class);

  /** Opens a connection to the local server. */
  interface Opener {
    Connection open() throws SQLException;
  }

  /** Reads something over a connection. */
  interface Query<T> {
    T read(Connection c) throws SQLException;
  }

  private final String member;
  private final Opener opener;
  private final ReentrantLock inUse = new ReentrantLock();
  private Connection kept; // guarded by inUse
  private volatile boolean closed;

  ProbeConnection(String member, Opener opener) {
    this.member = member;
    this.opener = opener;
  }

  /** Runs {@code query} on the kept connection (or a new one, see the class comment). */
  <T> T run(Query<T> query) throws SQLException {
    if (!inUse.tryLock()) {
      try (Connection c = opener.open()) {
        return query.read(c);
      }
    }
    try {
      if (kept != null) {
        try {
          return query.read(kept);
        } catch (SQLException e) {
          LOG.debug(
              "{}: kept probe connection broke ({}): opening a new one", member, e.getMessage());
          closeKept();
        }
      }
      kept = opener.open();
      try {
        return query.read(kept);
      } catch (SQLException e) {
        closeKept();
        throw e;
      }
    } finally {
      if (closed) {
        // Closed while this probe ran: the session must not outlive the agent.
        closeKept();
      }
      inUse.unlock();
    }
  }

  /**
   * Closes the kept connection (the agent stops); a probe running now closes it when it ends. A
   * later probe still works, on a connection it closes at once.
   */
  void close() {
    closed = true;
    if (inUse.tryLock()) {
      try {
        closeKept();
      } finally {
        inUse.unlock();
      }
    }
  }

  private void closeKept() {
    Connection c = kept;
    kept = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone already
      }
    }
  }
}
