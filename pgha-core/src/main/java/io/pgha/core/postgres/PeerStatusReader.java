package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads another server's {@link PostgresStatus} over a connection the caller opened, with the same
 * query the local probe uses, so that a peer's WAL position means exactly what ours does.
 */
public final class PeerStatusReader {
  private PeerStatusReader() {}

  /** The status of the server behind {@code connection}. */
  public static PostgresStatus read(Connection connection) throws SQLException {
    return StatusQuery.read(connection);
  }
}
