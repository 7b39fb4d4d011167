package io.pgha.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A unit of work run in one transaction by {@link TransactionRetrier}. It may run more than once,
 * so it must not keep state from a failed attempt.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface SqlWork<T> {
  /** Runs the work on a connection already in a transaction; do not commit or close it. */
  T run(Connection connection) throws SQLException;
}
