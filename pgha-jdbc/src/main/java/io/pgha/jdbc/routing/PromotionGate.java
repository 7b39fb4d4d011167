package io.pgha.jdbc.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether the leader's PostgreSQL has finished promoting. The leader key names a new leader before
 * its promotion ends (a fast takeover takes the key, then promotes; so does every failover), and a
 * write sent in between fails with 25006 (read-only). So the writes that follow a leader change ask
 * the server, one round trip ({@code pg_is_in_recovery()}), until one answer says it runs as a
 * primary; from then on writes to that leader pass unasked.
 */
final class PromotionGate {

  /** The pool of the leader last seen out of recovery; null after a leader change. */
  private volatile MemberPool confirmed;

  /** Whether writes to {@code pool} pass unasked: its server was seen out of recovery. */
  boolean confirmed(MemberPool pool) {
    return confirmed == pool;
  }

  /** Forgets the confirmation: another member leads now, or none. */
  void leaderChanged() {
    confirmed = null;
  }

  /**
   * Asks on {@code c}, a connection of {@code pool}, whether its server still runs in recovery;
   * true (remembered) when it does not. Leaves {@code c} outside a transaction.
   *
   * @throws SQLException when the server does not answer
   */
  boolean writable(MemberPool pool, Connection c) throws SQLException {
    if (confirmed == pool) {
      return true;
    }
    boolean writable;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      writable = rs.next() && !rs.getBoolean(1);
    }
    if (!c.getAutoCommit()) {
      c.rollback();
    }
    if (writable) {
      confirmed = pool;
    }
    return writable;
  }
}
