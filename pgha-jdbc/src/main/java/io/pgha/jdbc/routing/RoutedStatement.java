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
    connection.checkBound(owner);
    try {
      statement.addBatch(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void cancel() throws SQLException {
    connection.checkBound(owner);
    try {
      statement.cancel();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void clearBatch() throws SQLException {
    connection.checkBound(owner);
    try {
      statement.clearBatch();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void clearWarnings() throws SQLException {
    connection.checkBound(owner);
    try {
      statement.clearWarnings();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    connection.checkBound(owner);
    try {
      statement.closeOnCompletion();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String enquoteIdentifier(String p1, boolean p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.enquoteIdentifier(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String enquoteLiteral(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.enquoteLiteral(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String enquoteNCharLiteral(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.enquoteNCharLiteral(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean execute(String p1, int[] p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.execute(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public boolean execute(String p1, String[] p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.execute(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public boolean execute(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.execute(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public boolean execute(String p1) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.execute(p1);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public int[] executeBatch() throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeBatch();
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeLargeBatch();
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public long executeLargeUpdate(String p1, int[] p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeLargeUpdate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public long executeLargeUpdate(String p1, String[] p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeLargeUpdate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public long executeLargeUpdate(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeLargeUpdate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public long executeLargeUpdate(String p1) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeLargeUpdate(p1);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public ResultSet executeQuery(String p1) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return rows(statement.executeQuery(p1));
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public int executeUpdate(String p1, int[] p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeUpdate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public int executeUpdate(String p1, String[] p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeUpdate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public int executeUpdate(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeUpdate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public int executeUpdate(String p1) throws SQLException {
    connection.checkBound(owner);
    boolean outcomeUnknown = connection.executing();
    try {
      return statement.executeUpdate(p1);
    } catch (SQLException e) {
      throw connection.translate(e, outcomeUnknown);
    }
  }

  @Override
  public int getFetchDirection() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getFetchDirection();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getFetchSize() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getFetchSize();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows(statement.getGeneratedKeys());
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getLargeMaxRows();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getLargeUpdateCount();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getMaxFieldSize() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getMaxFieldSize();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getMaxRows() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getMaxRows();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getMoreResults();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean getMoreResults(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getMoreResults(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getQueryTimeout();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows(statement.getResultSet());
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getResultSetConcurrency();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getResultSetHoldability();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getResultSetType() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getResultSetType();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getUpdateCount() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getUpdateCount();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.getWarnings();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.isCloseOnCompletion();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isPoolable() throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.isPoolable();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isSimpleIdentifier(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.isSimpleIdentifier(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isWrapperFor(Class<?> p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return statement.isWrapperFor(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setCursorName(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setCursorName(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setEscapeProcessing(boolean p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setEscapeProcessing(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setFetchDirection(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setFetchDirection(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setFetchSize(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setFetchSize(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setLargeMaxRows(long p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setLargeMaxRows(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setMaxFieldSize(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setMaxFieldSize(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setMaxRows(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setMaxRows(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setPoolable(boolean p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setPoolable(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setQueryTimeout(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      statement.setQueryTimeout(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
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
