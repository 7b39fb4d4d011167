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
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/** A {@link PreparedStatement} of a {@link RoutedConnection}; see {@link RoutedStatement}. */
class RoutedPreparedStatement extends RoutedStatement implements PreparedStatement {

  private final PreparedStatement prepared;

  RoutedPreparedStatement(
      RoutedConnection connection,
      Connection owner,
      PreparedStatement prepared,
      Connection handedOut) {
    super(connection, owner, prepared, handedOut);
    this.prepared = prepared;
  }

  @Override
  public void addBatch() throws SQLException {
    connection.run(owner, () -> prepared.addBatch());
  }

  @Override
  public void clearParameters() throws SQLException {
    connection.run(owner, () -> prepared.clearParameters());
  }

  @Override
  public boolean execute() throws SQLException {
    return connection.execute(owner, () -> prepared.execute());
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return connection.execute(owner, () -> prepared.executeLargeUpdate());
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    return connection.execute(owner, () -> rows(prepared.executeQuery()));
  }

  @Override
  public int executeUpdate() throws SQLException {
    return connection.execute(owner, () -> prepared.executeUpdate());
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    return connection.call(owner, () -> prepared.getMetaData());
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    return connection.call(owner, () -> prepared.getParameterMetaData());
  }

  @Override
  public void setArray(int p1, Array p2) throws SQLException {
    connection.run(owner, () -> prepared.setArray(p1, p2));
  }

  @Override
  public void setAsciiStream(int p1, InputStream p2, int p3) throws SQLException {
    connection.run(owner, () -> prepared.setAsciiStream(p1, p2, p3));
  }

  @Override
  public void setAsciiStream(int p1, InputStream p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setAsciiStream(p1, p2, p3));
  }

  @Override
  public void setAsciiStream(int p1, InputStream p2) throws SQLException {
    connection.run(owner, () -> prepared.setAsciiStream(p1, p2));
  }

  @Override
  public void setBigDecimal(int p1, BigDecimal p2) throws SQLException {
    connection.run(owner, () -> prepared.setBigDecimal(p1, p2));
  }

  @Override
  public void setBinaryStream(int p1, InputStream p2, int p3) throws SQLException {
    connection.run(owner, () -> prepared.setBinaryStream(p1, p2, p3));
  }

  @Override
  public void setBinaryStream(int p1, InputStream p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setBinaryStream(p1, p2, p3));
  }

  @Override
  public void setBinaryStream(int p1, InputStream p2) throws SQLException {
    connection.run(owner, () -> prepared.setBinaryStream(p1, p2));
  }

  @Override
  public void setBlob(int p1, InputStream p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setBlob(p1, p2, p3));
  }

  @Override
  public void setBlob(int p1, InputStream p2) throws SQLException {
    connection.run(owner, () -> prepared.setBlob(p1, p2));
  }

  @Override
  public void setBlob(int p1, Blob p2) throws SQLException {
    connection.run(owner, () -> prepared.setBlob(p1, p2));
  }

  @Override
  public void setBoolean(int p1, boolean p2) throws SQLException {
    connection.run(owner, () -> prepared.setBoolean(p1, p2));
  }

  @Override
  public void setByte(int p1, byte p2) throws SQLException {
    connection.run(owner, () -> prepared.setByte(p1, p2));
  }

  @Override
  public void setBytes(int p1, byte[] p2) throws SQLException {
    connection.run(owner, () -> prepared.setBytes(p1, p2));
  }

  @Override
  public void setCharacterStream(int p1, Reader p2, int p3) throws SQLException {
    connection.run(owner, () -> prepared.setCharacterStream(p1, p2, p3));
  }

  @Override
  public void setCharacterStream(int p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setCharacterStream(p1, p2, p3));
  }

  @Override
  public void setCharacterStream(int p1, Reader p2) throws SQLException {
    connection.run(owner, () -> prepared.setCharacterStream(p1, p2));
  }

  @Override
  public void setClob(int p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setClob(p1, p2, p3));
  }

  @Override
  public void setClob(int p1, Reader p2) throws SQLException {
    connection.run(owner, () -> prepared.setClob(p1, p2));
  }

  @Override
  public void setClob(int p1, Clob p2) throws SQLException {
    connection.run(owner, () -> prepared.setClob(p1, p2));
  }

  @Override
  public void setDate(int p1, Date p2, Calendar p3) throws SQLException {
    connection.run(owner, () -> prepared.setDate(p1, p2, p3));
  }

  @Override
  public void setDate(int p1, Date p2) throws SQLException {
    connection.run(owner, () -> prepared.setDate(p1, p2));
  }

  @Override
  public void setDouble(int p1, double p2) throws SQLException {
    connection.run(owner, () -> prepared.setDouble(p1, p2));
  }

  @Override
  public void setFloat(int p1, float p2) throws SQLException {
    connection.run(owner, () -> prepared.setFloat(p1, p2));
  }

  @Override
  public void setInt(int p1, int p2) throws SQLException {
    connection.run(owner, () -> prepared.setInt(p1, p2));
  }

  @Override
  public void setLong(int p1, long p2) throws SQLException {
    connection.run(owner, () -> prepared.setLong(p1, p2));
  }

  @Override
  public void setNCharacterStream(int p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setNCharacterStream(p1, p2, p3));
  }

  @Override
  public void setNCharacterStream(int p1, Reader p2) throws SQLException {
    connection.run(owner, () -> prepared.setNCharacterStream(p1, p2));
  }

  @Override
  public void setNClob(int p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> prepared.setNClob(p1, p2, p3));
  }

  @Override
  public void setNClob(int p1, Reader p2) throws SQLException {
    connection.run(owner, () -> prepared.setNClob(p1, p2));
  }

  @Override
  public void setNClob(int p1, NClob p2) throws SQLException {
    connection.run(owner, () -> prepared.setNClob(p1, p2));
  }

  @Override
  public void setNString(int p1, String p2) throws SQLException {
    connection.run(owner, () -> prepared.setNString(p1, p2));
  }

  @Override
  public void setNull(int p1, int p2, String p3) throws SQLException {
    connection.run(owner, () -> prepared.setNull(p1, p2, p3));
  }

  @Override
  public void setNull(int p1, int p2) throws SQLException {
    connection.run(owner, () -> prepared.setNull(p1, p2));
  }

  @Override
  public void setObject(int p1, Object p2, int p3, int p4) throws SQLException {
    connection.run(owner, () -> prepared.setObject(p1, p2, p3, p4));
  }

  @Override
  public void setObject(int p1, Object p2, int p3) throws SQLException {
    connection.run(owner, () -> prepared.setObject(p1, p2, p3));
  }

  @Override
  public void setObject(int p1, Object p2, SQLType p3, int p4) throws SQLException {
    connection.run(owner, () -> prepared.setObject(p1, p2, p3, p4));
  }

  @Override
  public void setObject(int p1, Object p2, SQLType p3) throws SQLException {
    connection.run(owner, () -> prepared.setObject(p1, p2, p3));
  }

  @Override
  public void setObject(int p1, Object p2) throws SQLException {
    connection.run(owner, () -> prepared.setObject(p1, p2));
  }

  @Override
  public void setRef(int p1, Ref p2) throws SQLException {
    connection.run(owner, () -> prepared.setRef(p1, p2));
  }

  @Override
  public void setRowId(int p1, RowId p2) throws SQLException {
    connection.run(owner, () -> prepared.setRowId(p1, p2));
  }

  @Override
  public void setSQLXML(int p1, SQLXML p2) throws SQLException {
    connection.run(owner, () -> prepared.setSQLXML(p1, p2));
  }

  @Override
  public void setShort(int p1, short p2) throws SQLException {
    connection.run(owner, () -> prepared.setShort(p1, p2));
  }

  @Override
  public void setString(int p1, String p2) throws SQLException {
    connection.run(owner, () -> prepared.setString(p1, p2));
  }

  @Override
  public void setTime(int p1, Time p2, Calendar p3) throws SQLException {
    connection.run(owner, () -> prepared.setTime(p1, p2, p3));
  }

  @Override
  public void setTime(int p1, Time p2) throws SQLException {
    connection.run(owner, () -> prepared.setTime(p1, p2));
  }

  @Override
  public void setTimestamp(int p1, Timestamp p2, Calendar p3) throws SQLException {
    connection.run(owner, () -> prepared.setTimestamp(p1, p2, p3));
  }

  @Override
  public void setTimestamp(int p1, Timestamp p2) throws SQLException {
    connection.run(owner, () -> prepared.setTimestamp(p1, p2));
  }

  @Override
  public void setURL(int p1, URL p2) throws SQLException {
    connection.run(owner, () -> prepared.setURL(p1, p2));
  }

  @Deprecated
  @Override
  public void setUnicodeStream(int p1, InputStream p2, int p3) throws SQLException {
    connection.run(owner, () -> prepared.setUnicodeStream(p1, p2, p3));
  }
}
