package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the local standby, opened ahead of a promotion so that the promotion does not
 * open one: on a loaded host a new connection (a fork and a SCRAM exchange) took 35–65 ms, most of
 * the time from the leader key to a writable server. Kept while the server is a standby, given up
 * when it is not, and handed to the promotion, which checks it with its first query and opens a new
 * one when it broke meanwhile.
 */
final class PromotionConnection {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionConnection.class);
  private static final int SOCKET_TIMEOUT_SECONDS = 5;

  private final String member;
  private final LocalSql sql;
  private final AtomicReference<Connection> kept = new AtomicReference<>();
  private final ReentrantLock opening = new ReentrantLock();

  PromotionConnection(String member, LocalSql sql) {
    this.member = member;
    this.sql = sql;
  }

  /**
   * Opens the connection unless one is kept or another thread is opening it (no caller waits for
   * another); never throws: without it a promotion connects as it would anyway.
   */
  void prepare() {
    if (kept.get() != null || !opening.tryLock()) {
      return;
    }
    try {
      if (kept.get() == null) {
        kept.set(sql.connect(SOCKET_TIMEOUT_SECONDS));
      }
    } catch (SQLException e) {
      LOG.debug("{}: no connection kept for a promotion: {}", member, e.getMessage());
    } finally {
      opening.unlock();
    }
  }

  /** Hands the kept connection over (the caller closes it); empty when none is kept. */
  Optional<Connection> take() {
    return Optional.ofNullable(kept.getAndSet(null));
  }

  /** Closes the kept connection, if any: the server is no standby, or is about to stop. */
  void discard() {
    Connection c = kept.getAndSet(null);
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // gone already
    }
  }
}
