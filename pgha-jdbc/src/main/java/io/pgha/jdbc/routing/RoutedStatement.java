package io.pgha.jdbc.routing;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * A statement of a {@link RoutedConnection}: plain delegation to the physical statement (no
 * reflection on the hot path), with the connection's rules around every call. Once the physical
 * connection it was made on is released (failover, read-only switch), closing it is fine and
 * anything else fails with a retryable SQLState; failures that mean the server went away or stopped
 * being primary are translated by the connection; {@code execute*} marks the transaction started
 * and, in auto-commit, a commit in flight. Result sets it returns are {@link RoutedResultSet}s.
 */
class RoutedStatement implements Statement {

  final RoutedConnection connection;
  final Connection owner;
  private final Statement statement;
  private final Connection handedOut;

  RoutedStatement(
      RoutedConnection connection, Connection owner, Statement statement, Connection handedOut) {
    this.connection = connection;
    this.owner = owner;
    this.statement = statement;
    this.handedOut = handedOut;
  }

  /**
   * Wraps {@code statement} in the most specific routed type it implements.
   *
   * @param owner the physical connection the statement was made on
   * @param handedOut the connection the application holds, which {@link #getConnection()} returns
   */
  static Statement of(
      RoutedConnection connection, Connection owner, Statement statement, Connection handedOut) {
    if (statement instanceof CallableStatement c) {
      return new RoutedCallableStatement(connection, owner, c, handedOut);
    }
    if (statement instanceof PreparedStatement p) {
      return new RoutedPreparedStatement(connection, owner, p, handedOut);
    }
    return new RoutedStatement(connection, owner, statement, handedOut);
  }

  /** The routed result set over {@code rows}, null for null. */
  final ResultSet rows(ResultSet rows) {
    return rows == null ? null : new RoutedResultSet(connection, owner, rows, this);
  }

  /** A value that may be a result set (a refcursor, say) is wrapped like one. */
  final Object rowsIfAny(Object value) {
    return value instanceof ResultSet rows ? rows(rows) : value;
  }

  @Override
  public Connection getConnection() {
    return handedOut;
  }

  @Override
  public void close() throws SQLException {
    if (!connection.isBound(owner)) {
      RoutedConnection.closeQuietly(statement);
      return;
    }
    try {
      statement.close();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isClosed() throws SQLException {
    if (!connection.isBound(owner)) {
      return true;
    }
    try {
      return statement.isClosed();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String toString() {
    return statement.toString();
  }

  @Override
  public void addBatch(String p1) throws SQLException {
    connection.run(owner, () -> statement.addBatch(p1));
  }

  @Override
  public void cancel() throws SQLException {
    connection.run(owner, () -> statement.cancel());
  }

  @Override
  public void clearBatch() throws SQLException {
    connection.run(owner, () -> statement.clearBatch());
  }

  @Override
  public void clearWarnings() throws SQLException {
    connection.run(owner, () -> statement.clearWarnings());
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    connection.run(owner, () -> statement.closeOnCompletion());
  }

  @Override
  public String enquoteIdentifier(String p1, boolean p2) throws SQLException {
    return connection.call(owner, () -> statement.enquoteIdentifier(p1, p2));
  }

  @Override
  public String enquoteLiteral(String p1) throws SQLException {
    return connection.call(owner, () -> statement.enquoteLiteral(p1));
  }

  @Override
  public String enquoteNCharLiteral(String p1) throws SQLException {
    return connection.call(owner, () -> statement.enquoteNCharLiteral(p1));
  }

  @Override
  public boolean execute(String p1, int[] p2) throws SQLException {
    return connection.execute(owner, () -> statement.execute(p1, p2));
  }

  @Override
  public boolean execute(String p1, String[] p2) throws SQLException {
    return connection.execute(owner, () -> statement.execute(p1, p2));
  }

  @Override
  public boolean execute(String p1, int p2) throws SQLException {
    return connection.execute(owner, () -> statement.execute(p1, p2));
  }

  @Override
  public boolean execute(String p1) throws SQLException {
    return connection.execute(owner, () -> statement.execute(p1));
  }

  @Override
  public int[] executeBatch() throws SQLException {
    return connection.execute(owner, () -> statement.executeBatch());
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return connection.execute(owner, () -> statement.executeLargeBatch());
  }

  @Override
  public long executeLargeUpdate(String p1, int[] p2) throws SQLException {
    return connection.execute(owner, () -> statement.executeLargeUpdate(p1, p2));
  }

  @Override
  public long executeLargeUpdate(String p1, String[] p2) throws SQLException {
    return connection.execute(owner, () -> statement.executeLargeUpdate(p1, p2));
  }

  @Override
  public long executeLargeUpdate(String p1, int p2) throws SQLException {
    return connection.execute(owner, () -> statement.executeLargeUpdate(p1, p2));
  }

  @Override
  public long executeLargeUpdate(String p1) throws SQLException {
    return connection.execute(owner, () -> statement.executeLargeUpdate(p1));
  }

  @Override
  public ResultSet executeQuery(String p1) throws SQLException {
    return connection.execute(owner, () -> rows(statement.executeQuery(p1)));
  }

  @Override
  public int executeUpdate(String p1, int[] p2) throws SQLException {
    return connection.execute(owner, () -> statement.executeUpdate(p1, p2));
  }

  @Override
  public int executeUpdate(String p1, String[] p2) throws SQLException {
    return connection.execute(owner, () -> statement.executeUpdate(p1, p2));
  }

  @Override
  public int executeUpdate(String p1, int p2) throws SQLException {
    return connection.execute(owner, () -> statement.executeUpdate(p1, p2));
  }

  @Override
  public int executeUpdate(String p1) throws SQLException {
    return connection.execute(owner, () -> statement.executeUpdate(p1));
  }

  @Override
  public int getFetchDirection() throws SQLException {
    return connection.call(owner, () -> statement.getFetchDirection());
  }

  @Override
  public int getFetchSize() throws SQLException {
    return connection.call(owner, () -> statement.getFetchSize());
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    return connection.call(owner, () -> rows(statement.getGeneratedKeys()));
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    return connection.call(owner, () -> statement.getLargeMaxRows());
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    return connection.call(owner, () -> statement.getLargeUpdateCount());
  }

  @Override
  public int getMaxFieldSize() throws SQLException {
    return connection.call(owner, () -> statement.getMaxFieldSize());
  }

  @Override
  public int getMaxRows() throws SQLException {
    return connection.call(owner, () -> statement.getMaxRows());
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return connection.call(owner, () -> statement.getMoreResults());
  }

  @Override
  public boolean getMoreResults(int p1) throws SQLException {
    return connection.call(owner, () -> statement.getMoreResults(p1));
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    return connection.call(owner, () -> statement.getQueryTimeout());
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    return connection.call(owner, () -> rows(statement.getResultSet()));
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    return connection.call(owner, () -> statement.getResultSetConcurrency());
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    return connection.call(owner, () -> statement.getResultSetHoldability());
  }

  @Override
  public int getResultSetType() throws SQLException {
    return connection.call(owner, () -> statement.getResultSetType());
  }

  @Override
  public int getUpdateCount() throws SQLException {
    return connection.call(owner, () -> statement.getUpdateCount());
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    return connection.call(owner, () -> statement.getWarnings());
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    return connection.call(owner, () -> statement.isCloseOnCompletion());
  }

  @Override
  public boolean isPoolable() throws SQLException {
    return connection.call(owner, () -> statement.isPoolable());
  }

  @Override
  public boolean isSimpleIdentifier(String p1) throws SQLException {
    return connection.call(owner, () -> statement.isSimpleIdentifier(p1));
  }

  @Override
  public boolean isWrapperFor(Class<?> p1) throws SQLException {
    return connection.call(owner, () -> statement.isWrapperFor(p1));
  }

  @Override
  public void setCursorName(String p1) throws SQLException {
    connection.run(owner, () -> statement.setCursorName(p1));
  }

  @Override
  public void setEscapeProcessing(boolean p1) throws SQLException {
    connection.run(owner, () -> statement.setEscapeProcessing(p1));
  }

  @Override
  public void setFetchDirection(int p1) throws SQLException {
    connection.run(owner, () -> statement.setFetchDirection(p1));
  }

  @Override
  public void setFetchSize(int p1) throws SQLException {
    connection.run(owner, () -> statement.setFetchSize(p1));
  }

  @Override
  public void setLargeMaxRows(long p1) throws SQLException {
    connection.run(owner, () -> statement.setLargeMaxRows(p1));
  }

  @Override
  public void setMaxFieldSize(int p1) throws SQLException {
    connection.run(owner, () -> statement.setMaxFieldSize(p1));
  }

  @Override
  public void setMaxRows(int p1) throws SQLException {
    connection.run(owner, () -> statement.setMaxRows(p1));
  }

  @Override
  public void setPoolable(boolean p1) throws SQLException {
    connection.run(owner, () -> statement.setPoolable(p1));
  }

  @Override
  public void setQueryTimeout(int p1) throws SQLException {
    connection.run(owner, () -> statement.setQueryTimeout(p1));
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> T unwrap(Class<T> p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return (T) rowsIfAny(statement.unwrap(p1));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }
}
