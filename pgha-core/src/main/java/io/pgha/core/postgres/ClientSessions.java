package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The application sessions on a server, as {@code pg_stat_activity} shows them: client backends
 * other than pgha's own (whose {@code application_name} starts with {@code pgha-}: the agent's
 * probes and peers' WAL probes). Replication connections are WAL senders, not client backends.
 */
final class ClientSessions {

  private static final String APPLICATION_SESSIONS =
      " FROM pg_stat_activity WHERE backend_type = 'client backend'"
          + " AND pid <> pg_backend_pid() AND application_name NOT LIKE 'pgha-%'";

  private ClientSessions() {}

  /** Sessions inside a transaction (a statement running, or idle in an open transaction). */
  static int inTransaction(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*)" + APPLICATION_SESSIONS + " AND xact_start IS NOT NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Terminates every application session; returns how many were told to go. */
  static int terminateAll(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                    + APPLICATION_SESSIONS)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
