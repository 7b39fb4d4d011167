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
    connection.checkBound(owner);
    try {
      return callable.getArray(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Array getArray(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getArray(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public BigDecimal getBigDecimal(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBigDecimal(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Deprecated
  @Override
  public BigDecimal getBigDecimal(int p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBigDecimal(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public BigDecimal getBigDecimal(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBigDecimal(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Blob getBlob(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBlob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Blob getBlob(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBlob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean getBoolean(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBoolean(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean getBoolean(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBoolean(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte getByte(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getByte(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte getByte(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getByte(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte[] getBytes(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBytes(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public byte[] getBytes(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getBytes(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getCharacterStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getCharacterStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Clob getClob(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Clob getClob(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(String p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getDate(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(int p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Date getDate(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getDate(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public double getDouble(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getDouble(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public double getDouble(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getDouble(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public float getFloat(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getFloat(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public float getFloat(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getFloat(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getInt(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getInt(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public int getInt(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getInt(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public long getLong(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getLong(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public long getLong(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getLong(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getNCharacterStream(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getNCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Reader getNCharacterStream(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getNCharacterStream(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public NClob getNClob(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getNClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public NClob getNClob(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getNClob(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getNString(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getNString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getNString(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getNString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
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
    connection.checkBound(owner);
    try {
      return rowsIfAny(callable.getObject(p1, p2));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rowsIfAny(callable.getObject(p1));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
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
    connection.checkBound(owner);
    try {
      return rowsIfAny(callable.getObject(p1, p2));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Object getObject(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return rowsIfAny(callable.getObject(p1));
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Ref getRef(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getRef(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Ref getRef(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getRef(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public RowId getRowId(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getRowId(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public RowId getRowId(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getRowId(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public SQLXML getSQLXML(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getSQLXML(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public SQLXML getSQLXML(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getSQLXML(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public short getShort(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getShort(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public short getShort(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getShort(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getString(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public String getString(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getString(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(String p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTime(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(int p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Time getTime(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTime(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(String p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTimestamp(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(int p1, Calendar p2) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public Timestamp getTimestamp(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getTimestamp(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public URL getURL(String p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getURL(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public URL getURL(int p1) throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.getURL(p1);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(String p1, int p2, String p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(String p1, int p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(String p1, SQLType p2, String p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(String p1, SQLType p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(String p1, SQLType p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(int p1, int p2, String p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(int p1, int p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(int p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(int p1, SQLType p2, String p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(int p1, SQLType p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void registerOutParameter(int p1, SQLType p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.registerOutParameter(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setAsciiStream(String p1, InputStream p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setAsciiStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setAsciiStream(String p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setAsciiStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setAsciiStream(String p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setAsciiStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBigDecimal(String p1, BigDecimal p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBigDecimal(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBinaryStream(String p1, InputStream p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBinaryStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBinaryStream(String p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBinaryStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBinaryStream(String p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBinaryStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBlob(String p1, InputStream p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBlob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBlob(String p1, InputStream p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBlob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBlob(String p1, Blob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBlob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBoolean(String p1, boolean p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBoolean(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setByte(String p1, byte p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setByte(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setBytes(String p1, byte[] p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setBytes(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setCharacterStream(String p1, Reader p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setCharacterStream(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setCharacterStream(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setCharacterStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setClob(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setClob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setClob(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setClob(String p1, Clob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setDate(String p1, Date p2, Calendar p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setDate(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setDate(String p1, Date p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setDate(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setDouble(String p1, double p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setDouble(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setFloat(String p1, float p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setFloat(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setInt(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setInt(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setLong(String p1, long p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setLong(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNCharacterStream(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNCharacterStream(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNCharacterStream(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNCharacterStream(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNClob(String p1, Reader p2, long p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNClob(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNClob(String p1, Reader p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNClob(String p1, NClob p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNClob(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNString(String p1, String p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNString(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNull(String p1, int p2, String p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNull(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setNull(String p1, int p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setNull(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setObject(String p1, Object p2, int p3, int p4) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setObject(p1, p2, p3, p4);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setObject(String p1, Object p2, int p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setObject(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setObject(String p1, Object p2, SQLType p3, int p4) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setObject(p1, p2, p3, p4);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setObject(String p1, Object p2, SQLType p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setObject(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setObject(String p1, Object p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setObject(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setRowId(String p1, RowId p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setRowId(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setSQLXML(String p1, SQLXML p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setSQLXML(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setShort(String p1, short p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setShort(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setString(String p1, String p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setString(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setTime(String p1, Time p2, Calendar p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setTime(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setTime(String p1, Time p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setTime(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setTimestamp(String p1, Timestamp p2, Calendar p3) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setTimestamp(p1, p2, p3);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setTimestamp(String p1, Timestamp p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setTimestamp(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public void setURL(String p1, URL p2) throws SQLException {
    connection.checkBound(owner);
    try {
      callable.setURL(p1, p2);
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }

  @Override
  public boolean wasNull() throws SQLException {
    connection.checkBound(owner);
    try {
      return callable.wasNull();
    } catch (SQLException e) {
      throw connection.translate(e, false);
    }
  }
}
