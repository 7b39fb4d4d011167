package io.pgha.jdbc.routing;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A result set of a {@link RoutedStatement}, its failures translated like its statement's: with a
 * fetch size, rows come from the server while the application iterates, so the server can go away
 * in {@code next()}. Plain delegation, like the statement.
 */
final class RoutedResultSet implements ResultSet {

  private final RoutedConnection connection;
  private final Connection owner;
  private final ResultSet rows;
  private final Statement statement;

  RoutedResultSet(
      RoutedConnection connection, Connection owner, ResultSet rows, Statement statement) {
    this.connection = connection;
    this.owner = owner;
    this.rows = rows;
    this.statement = statement;
  }

  @Override
  public Statement getStatement() {
    return statement;
  }

  @Override
  public void close() throws SQLException {
    if (!connection.isBound(owner)) {
      RoutedConnection.closeQuietly(rows);
      return;
    }
    try {
      rows.close();
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
      return rows.isClosed();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String toString() {
    return rows.toString();
  }

  @Override
  public boolean absolute(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.absolute(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void afterLast() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.afterLast();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void beforeFirst() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.beforeFirst();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void cancelRowUpdates() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.cancelRowUpdates();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void clearWarnings() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.clearWarnings();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void deleteRow() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.deleteRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int findColumn(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.findColumn(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean first() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.first();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Array getArray(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getArray(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Array getArray(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getArray(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public InputStream getAsciiStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getAsciiStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public InputStream getAsciiStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getAsciiStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Deprecated
  @Override
  public BigDecimal getBigDecimal(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBigDecimal(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public BigDecimal getBigDecimal(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBigDecimal(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Deprecated
  @Override
  public BigDecimal getBigDecimal(int p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBigDecimal(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public BigDecimal getBigDecimal(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBigDecimal(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public InputStream getBinaryStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBinaryStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public InputStream getBinaryStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBinaryStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Blob getBlob(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBlob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Blob getBlob(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBlob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean getBoolean(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBoolean(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean getBoolean(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBoolean(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte getByte(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getByte(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte getByte(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getByte(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte[] getBytes(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBytes(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte[] getBytes(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getBytes(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getCharacterStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getCharacterStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Clob getClob(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Clob getClob(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getConcurrency() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getConcurrency();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getCursorName() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getCursorName();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(String p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getDate(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(int p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getDate(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public double getDouble(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getDouble(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public double getDouble(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getDouble(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getFetchDirection() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getFetchDirection();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getFetchSize() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getFetchSize();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public float getFloat(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getFloat(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public float getFloat(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getFloat(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getHoldability() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getHoldability();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getInt(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getInt(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getInt(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getInt(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public long getLong(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getLong(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public long getLong(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getLong(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getMetaData();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getNCharacterStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getNCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getNCharacterStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getNCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public NClob getNClob(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getNClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public NClob getNClob(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getNClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getNString(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getNString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getNString(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getNString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public <T> T getObject(String p1, Class<T> p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(String p1, Map<String, Class<?>> p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getObject(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public <T> T getObject(int p1, Class<T> p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(int p1, Map<String, Class<?>> p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getObject(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Ref getRef(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getRef(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Ref getRef(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getRef(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getRow() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public RowId getRowId(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getRowId(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public RowId getRowId(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getRowId(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public SQLXML getSQLXML(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getSQLXML(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public SQLXML getSQLXML(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getSQLXML(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public short getShort(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getShort(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public short getShort(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getShort(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getString(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getString(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(String p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTime(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(int p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTime(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(String p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTimestamp(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(int p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getTimestamp(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getType() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getType();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public URL getURL(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getURL(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public URL getURL(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getURL(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Deprecated
  @Override
  public InputStream getUnicodeStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getUnicodeStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Deprecated
  @Override
  public InputStream getUnicodeStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getUnicodeStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.getWarnings();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void insertRow() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.insertRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isAfterLast() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.isAfterLast();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isBeforeFirst() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.isBeforeFirst();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isFirst() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.isFirst();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isLast() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.isLast();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean isWrapperFor(Class<?> p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.isWrapperFor(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean last() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.last();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void moveToCurrentRow() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.moveToCurrentRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void moveToInsertRow() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.moveToInsertRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean next() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.next();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean previous() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.previous();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void refreshRow() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.refreshRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean relative(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.relative(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean rowDeleted() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.rowDeleted();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean rowInserted() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.rowInserted();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean rowUpdated() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.rowUpdated();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setFetchDirection(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.setFetchDirection(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setFetchSize(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.setFetchSize(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public <T> T unwrap(Class<T> p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.unwrap(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateArray(String p1, Array p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateArray(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateArray(int p1, Array p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateArray(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateAsciiStream(String p1, InputStream p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateAsciiStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateAsciiStream(String p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateAsciiStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateAsciiStream(String p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateAsciiStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateAsciiStream(int p1, InputStream p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateAsciiStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateAsciiStream(int p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateAsciiStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateAsciiStream(int p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateAsciiStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBigDecimal(String p1, BigDecimal p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBigDecimal(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBigDecimal(int p1, BigDecimal p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBigDecimal(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBinaryStream(String p1, InputStream p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBinaryStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBinaryStream(String p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBinaryStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBinaryStream(String p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBinaryStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBinaryStream(int p1, InputStream p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBinaryStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBinaryStream(int p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBinaryStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBinaryStream(int p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBinaryStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBlob(String p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBlob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBlob(String p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBlob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBlob(String p1, Blob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBlob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBlob(int p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBlob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBlob(int p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBlob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBlob(int p1, Blob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBlob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBoolean(String p1, boolean p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBoolean(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBoolean(int p1, boolean p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBoolean(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateByte(String p1, byte p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateByte(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateByte(int p1, byte p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateByte(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBytes(String p1, byte[] p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBytes(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateBytes(int p1, byte[] p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateBytes(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateCharacterStream(String p1, Reader p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateCharacterStream(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateCharacterStream(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateCharacterStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateCharacterStream(int p1, Reader p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateCharacterStream(int p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateCharacterStream(int p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateCharacterStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateClob(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateClob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateClob(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateClob(String p1, Clob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateClob(int p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateClob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateClob(int p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateClob(int p1, Clob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateDate(String p1, Date p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateDate(int p1, Date p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateDouble(String p1, double p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateDouble(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateDouble(int p1, double p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateDouble(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateFloat(String p1, float p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateFloat(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateFloat(int p1, float p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateFloat(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateInt(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateInt(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateInt(int p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateInt(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateLong(String p1, long p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateLong(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateLong(int p1, long p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateLong(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNCharacterStream(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNCharacterStream(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNCharacterStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNCharacterStream(int p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNCharacterStream(int p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNCharacterStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNClob(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNClob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNClob(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNClob(String p1, NClob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNClob(int p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNClob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNClob(int p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNClob(int p1, NClob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNString(String p1, String p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNString(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNString(int p1, String p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNString(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNull(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNull(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateNull(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateNull(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(String p1, Object p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(String p1, Object p2, SQLType p3, int p4) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2, p3, p4);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(String p1, Object p2, SQLType p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(String p1, Object p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(int p1, Object p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(int p1, Object p2, SQLType p3, int p4) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2, p3, p4);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(int p1, Object p2, SQLType p3) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateObject(int p1, Object p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateRef(String p1, Ref p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateRef(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateRef(int p1, Ref p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateRef(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateRow() throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateRow();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateRowId(String p1, RowId p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateRowId(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateRowId(int p1, RowId p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateRowId(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateSQLXML(String p1, SQLXML p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateSQLXML(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateSQLXML(int p1, SQLXML p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateSQLXML(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateShort(String p1, short p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateShort(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateShort(int p1, short p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateShort(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateString(String p1, String p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateString(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateString(int p1, String p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateString(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateTime(String p1, Time p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateTime(int p1, Time p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateTimestamp(String p1, Timestamp p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void updateTimestamp(int p1, Timestamp p2) throws SQLException {
    connection.checkBound(owner);
    try {
      rows.updateTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean wasNull() throws SQLException {
    connection.checkBound(owner);
    try {
      return rows.wasNull();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }
}
