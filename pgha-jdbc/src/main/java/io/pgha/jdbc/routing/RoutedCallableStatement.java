package io.pgha.jdbc.routing;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/** A {@link CallableStatement} of a {@link RoutedConnection}; see {@link RoutedStatement}. */
class RoutedCallableStatement extends RoutedPreparedStatement implements CallableStatement {

  private final CallableStatement callable;

  RoutedCallableStatement(
      RoutedConnection connection,
      Connection owner,
      CallableStatement callable,
      Connection handedOut) {
    super(connection, owner, callable, handedOut);
    this.callable = callable;
  }

  @Override
  public Array getArray(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getArray(p1));
  }

  @Override
  public Array getArray(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getArray(p1));
  }

  @Override
  public BigDecimal getBigDecimal(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getBigDecimal(p1));
  }

  @Deprecated
  @Override
  public BigDecimal getBigDecimal(int p1, int p2) throws SQLException {
    return connection.call(owner, () -> callable.getBigDecimal(p1, p2));
  }

  @Override
  public BigDecimal getBigDecimal(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getBigDecimal(p1));
  }

  @Override
  public Blob getBlob(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getBlob(p1));
  }

  @Override
  public Blob getBlob(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getBlob(p1));
  }

  @Override
  public boolean getBoolean(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getBoolean(p1));
  }

  @Override
  public boolean getBoolean(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getBoolean(p1));
  }

  @Override
  public byte getByte(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getByte(p1));
  }

  @Override
  public byte getByte(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getByte(p1));
  }

  @Override
  public byte[] getBytes(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getBytes(p1));
  }

  @Override
  public byte[] getBytes(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getBytes(p1));
  }

  @Override
  public Reader getCharacterStream(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getCharacterStream(p1));
  }

  @Override
  public Reader getCharacterStream(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getCharacterStream(p1));
  }

  @Override
  public Clob getClob(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getClob(p1));
  }

  @Override
  public Clob getClob(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getClob(p1));
  }

  @Override
  public Date getDate(String p1, Calendar p2) throws SQLException {
    return connection.call(owner, () -> callable.getDate(p1, p2));
  }

  @Override
  public Date getDate(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getDate(p1));
  }

  @Override
  public Date getDate(int p1, Calendar p2) throws SQLException {
    return connection.call(owner, () -> callable.getDate(p1, p2));
  }

  @Override
  public Date getDate(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getDate(p1));
  }

  @Override
  public double getDouble(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getDouble(p1));
  }

  @Override
  public double getDouble(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getDouble(p1));
  }

  @Override
  public float getFloat(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getFloat(p1));
  }

  @Override
  public float getFloat(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getFloat(p1));
  }

  @Override
  public int getInt(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getInt(p1));
  }

  @Override
  public int getInt(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getInt(p1));
  }

  @Override
  public long getLong(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getLong(p1));
  }

  @Override
  public long getLong(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getLong(p1));
  }

  @Override
  public Reader getNCharacterStream(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getNCharacterStream(p1));
  }

  @Override
  public Reader getNCharacterStream(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getNCharacterStream(p1));
  }

  @Override
  public NClob getNClob(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getNClob(p1));
  }

  @Override
  public NClob getNClob(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getNClob(p1));
  }

  @Override
  public String getNString(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getNString(p1));
  }

  @Override
  public String getNString(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getNString(p1));
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> T getObject(String p1, Class<T> p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return (T) rowsIfAny(callable.getObject(p1, p2));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(String p1, Map<String, Class<?>> p2) throws SQLException {
    return connection.call(owner, () -> rowsIfAny(callable.getObject(p1, p2)));
  }

  @Override
  public Object getObject(String p1) throws SQLException {
    return connection.call(owner, () -> rowsIfAny(callable.getObject(p1)));
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> T getObject(int p1, Class<T> p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return (T) rowsIfAny(callable.getObject(p1, p2));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(int p1, Map<String, Class<?>> p2) throws SQLException {
    return connection.call(owner, () -> rowsIfAny(callable.getObject(p1, p2)));
  }

  @Override
  public Object getObject(int p1) throws SQLException {
    return connection.call(owner, () -> rowsIfAny(callable.getObject(p1)));
  }

  @Override
  public Ref getRef(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getRef(p1));
  }

  @Override
  public Ref getRef(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getRef(p1));
  }

  @Override
  public RowId getRowId(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getRowId(p1));
  }

  @Override
  public RowId getRowId(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getRowId(p1));
  }

  @Override
  public SQLXML getSQLXML(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getSQLXML(p1));
  }

  @Override
  public SQLXML getSQLXML(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getSQLXML(p1));
  }

  @Override
  public short getShort(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getShort(p1));
  }

  @Override
  public short getShort(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getShort(p1));
  }

  @Override
  public String getString(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getString(p1));
  }

  @Override
  public String getString(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getString(p1));
  }

  @Override
  public Time getTime(String p1, Calendar p2) throws SQLException {
    return connection.call(owner, () -> callable.getTime(p1, p2));
  }

  @Override
  public Time getTime(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getTime(p1));
  }

  @Override
  public Time getTime(int p1, Calendar p2) throws SQLException {
    return connection.call(owner, () -> callable.getTime(p1, p2));
  }

  @Override
  public Time getTime(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getTime(p1));
  }

  @Override
  public Timestamp getTimestamp(String p1, Calendar p2) throws SQLException {
    return connection.call(owner, () -> callable.getTimestamp(p1, p2));
  }

  @Override
  public Timestamp getTimestamp(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getTimestamp(p1));
  }

  @Override
  public Timestamp getTimestamp(int p1, Calendar p2) throws SQLException {
    return connection.call(owner, () -> callable.getTimestamp(p1, p2));
  }

  @Override
  public Timestamp getTimestamp(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getTimestamp(p1));
  }

  @Override
  public URL getURL(String p1) throws SQLException {
    return connection.call(owner, () -> callable.getURL(p1));
  }

  @Override
  public URL getURL(int p1) throws SQLException {
    return connection.call(owner, () -> callable.getURL(p1));
  }

  @Override
  public void registerOutParameter(String p1, int p2, String p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(String p1, int p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(String p1, int p2) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2));
  }

  @Override
  public void registerOutParameter(String p1, SQLType p2, String p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(String p1, SQLType p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(String p1, SQLType p2) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2));
  }

  @Override
  public void registerOutParameter(int p1, int p2, String p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(int p1, int p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(int p1, int p2) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2));
  }

  @Override
  public void registerOutParameter(int p1, SQLType p2, String p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(int p1, SQLType p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2, p3));
  }

  @Override
  public void registerOutParameter(int p1, SQLType p2) throws SQLException {
    connection.run(owner, () -> callable.registerOutParameter(p1, p2));
  }

  @Override
  public void setAsciiStream(String p1, InputStream p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.setAsciiStream(p1, p2, p3));
  }

  @Override
  public void setAsciiStream(String p1, InputStream p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setAsciiStream(p1, p2, p3));
  }

  @Override
  public void setAsciiStream(String p1, InputStream p2) throws SQLException {
    connection.run(owner, () -> callable.setAsciiStream(p1, p2));
  }

  @Override
  public void setBigDecimal(String p1, BigDecimal p2) throws SQLException {
    connection.run(owner, () -> callable.setBigDecimal(p1, p2));
  }

  @Override
  public void setBinaryStream(String p1, InputStream p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.setBinaryStream(p1, p2, p3));
  }

  @Override
  public void setBinaryStream(String p1, InputStream p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setBinaryStream(p1, p2, p3));
  }

  @Override
  public void setBinaryStream(String p1, InputStream p2) throws SQLException {
    connection.run(owner, () -> callable.setBinaryStream(p1, p2));
  }

  @Override
  public void setBlob(String p1, InputStream p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setBlob(p1, p2, p3));
  }

  @Override
  public void setBlob(String p1, InputStream p2) throws SQLException {
    connection.run(owner, () -> callable.setBlob(p1, p2));
  }

  @Override
  public void setBlob(String p1, Blob p2) throws SQLException {
    connection.run(owner, () -> callable.setBlob(p1, p2));
  }

  @Override
  public void setBoolean(String p1, boolean p2) throws SQLException {
    connection.run(owner, () -> callable.setBoolean(p1, p2));
  }

  @Override
  public void setByte(String p1, byte p2) throws SQLException {
    connection.run(owner, () -> callable.setByte(p1, p2));
  }

  @Override
  public void setBytes(String p1, byte[] p2) throws SQLException {
    connection.run(owner, () -> callable.setBytes(p1, p2));
  }

  @Override
  public void setCharacterStream(String p1, Reader p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.setCharacterStream(p1, p2, p3));
  }

  @Override
  public void setCharacterStream(String p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setCharacterStream(p1, p2, p3));
  }

  @Override
  public void setCharacterStream(String p1, Reader p2) throws SQLException {
    connection.run(owner, () -> callable.setCharacterStream(p1, p2));
  }

  @Override
  public void setClob(String p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setClob(p1, p2, p3));
  }

  @Override
  public void setClob(String p1, Reader p2) throws SQLException {
    connection.run(owner, () -> callable.setClob(p1, p2));
  }

  @Override
  public void setClob(String p1, Clob p2) throws SQLException {
    connection.run(owner, () -> callable.setClob(p1, p2));
  }

  @Override
  public void setDate(String p1, Date p2, Calendar p3) throws SQLException {
    connection.run(owner, () -> callable.setDate(p1, p2, p3));
  }

  @Override
  public void setDate(String p1, Date p2) throws SQLException {
    connection.run(owner, () -> callable.setDate(p1, p2));
  }

  @Override
  public void setDouble(String p1, double p2) throws SQLException {
    connection.run(owner, () -> callable.setDouble(p1, p2));
  }

  @Override
  public void setFloat(String p1, float p2) throws SQLException {
    connection.run(owner, () -> callable.setFloat(p1, p2));
  }

  @Override
  public void setInt(String p1, int p2) throws SQLException {
    connection.run(owner, () -> callable.setInt(p1, p2));
  }

  @Override
  public void setLong(String p1, long p2) throws SQLException {
    connection.run(owner, () -> callable.setLong(p1, p2));
  }

  @Override
  public void setNCharacterStream(String p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setNCharacterStream(p1, p2, p3));
  }

  @Override
  public void setNCharacterStream(String p1, Reader p2) throws SQLException {
    connection.run(owner, () -> callable.setNCharacterStream(p1, p2));
  }

  @Override
  public void setNClob(String p1, Reader p2, long p3) throws SQLException {
    connection.run(owner, () -> callable.setNClob(p1, p2, p3));
  }

  @Override
  public void setNClob(String p1, Reader p2) throws SQLException {
    connection.run(owner, () -> callable.setNClob(p1, p2));
  }

  @Override
  public void setNClob(String p1, NClob p2) throws SQLException {
    connection.run(owner, () -> callable.setNClob(p1, p2));
  }

  @Override
  public void setNString(String p1, String p2) throws SQLException {
    connection.run(owner, () -> callable.setNString(p1, p2));
  }

  @Override
  public void setNull(String p1, int p2, String p3) throws SQLException {
    connection.run(owner, () -> callable.setNull(p1, p2, p3));
  }

  @Override
  public void setNull(String p1, int p2) throws SQLException {
    connection.run(owner, () -> callable.setNull(p1, p2));
  }

  @Override
  public void setObject(String p1, Object p2, int p3, int p4) throws SQLException {
    connection.run(owner, () -> callable.setObject(p1, p2, p3, p4));
  }

  @Override
  public void setObject(String p1, Object p2, int p3) throws SQLException {
    connection.run(owner, () -> callable.setObject(p1, p2, p3));
  }

  @Override
  public void setObject(String p1, Object p2, SQLType p3, int p4) throws SQLException {
    connection.run(owner, () -> callable.setObject(p1, p2, p3, p4));
  }

  @Override
  public void setObject(String p1, Object p2, SQLType p3) throws SQLException {
    connection.run(owner, () -> callable.setObject(p1, p2, p3));
  }

  @Override
  public void setObject(String p1, Object p2) throws SQLException {
    connection.run(owner, () -> callable.setObject(p1, p2));
  }

  @Override
  public void setRowId(String p1, RowId p2) throws SQLException {
    connection.run(owner, () -> callable.setRowId(p1, p2));
  }

  @Override
  public void setSQLXML(String p1, SQLXML p2) throws SQLException {
    connection.run(owner, () -> callable.setSQLXML(p1, p2));
  }

  @Override
  public void setShort(String p1, short p2) throws SQLException {
    connection.run(owner, () -> callable.setShort(p1, p2));
  }

  @Override
  public void setString(String p1, String p2) throws SQLException {
    connection.run(owner, () -> callable.setString(p1, p2));
  }

  @Override
  public void setTime(String p1, Time p2, Calendar p3) throws SQLException {
    connection.run(owner, () -> callable.setTime(p1, p2, p3));
  }

  @Override
  public void setTime(String p1, Time p2) throws SQLException {
    connection.run(owner, () -> callable.setTime(p1, p2));
  }

  @Override
  public void setTimestamp(String p1, Timestamp p2, Calendar p3) throws SQLException {
    connection.run(owner, () -> callable.setTimestamp(p1, p2, p3));
  }

  @Override
  public void setTimestamp(String p1, Timestamp p2) throws SQLException {
    connection.run(owner, () -> callable.setTimestamp(p1, p2));
  }

  @Override
  public void setURL(String p1, URL p2) throws SQLException {
    connection.run(owner, () -> callable.setURL(p1, p2));
  }

  @Override
  public boolean wasNull() throws SQLException {
    return connection.call(owner, () -> callable.wasNull());
  }
}
