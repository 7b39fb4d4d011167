package io.pgha.jdbc.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one call through the routed connection's mechanism alone, no database: a dynamic
 * proxy whose handler has the shape of the routed result set's (a switch on the method's name, the
 * released-connection check, {@code Method.invoke}, failure translation) against a delegating
 * wrapper doing the same checks, and a direct call. The target is an in-memory row, so what is
 * measured is the mechanism, per call ({@code getInt} + {@code getString}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WrapperOverheadBenchmark {

  /** Two getters of a result set: enough to exercise the mechanism. */
  public interface Row {
    int getInt(int column) throws SQLException;

    String getString(int column) throws SQLException;
  }

  /** A row in memory. */
  static final class MemoryRow implements Row {
    private int value = 42;
    private final String text = "row 42";

    @Override
    public int getInt(int column) throws SQLException {
      if (column < 1) {
        throw new SQLException("no column " + column, "42703");
      }
      return value + column;
    }

    @Override
    public String getString(int column) throws SQLException {
      if (column < 1) {
        throw new SQLException("no column " + column, "42703");
      }
      return text;
    }
  }

  private final Row target = new MemoryRow();
  private final Object owner = new Object();
  private Object current = owner;
  private Row proxied;
  private Row wrapped;
  private Row delegating;

  public WrapperOverheadBenchmark() {
    Row rows = target;
    proxied =
        (Row)
            Proxy.newProxyInstance(
                Row.class.getClassLoader(),
                new Class<?>[] {Row.class},
                (InvocationHandler)
                    (proxy, method, args) -> {
                      switch (method.getName()) {
                        case "getStatement":
                          return null;
                        case "hashCode":
                          return System.identityHashCode(proxy);
                        case "equals":
                          return proxy == args[0];
                        case "toString":
                          return rows.toString();
                        default:
                          break;
                      }
                      if (current != owner) {
                        throw new SQLException("released", "08S02");
                      }
                      try {
                        return method.invoke(rows, args);
                      } catch (InvocationTargetException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof SQLException sql) {
                          throw translate(sql);
                        }
                        throw cause;
                      }
                    });
    wrapped = new Wrapper(rows);
    delegating = new LambdaWrapper(rows);
  }

  private SQLException translate(SQLException e) {
    return "08006".equals(e.getSQLState()) ? new SQLException("gone", "08S02", e) : e;
  }

  /** What a delegating wrapper does per call: the same check, a direct call, the same catch. */
  final class Wrapper implements Row {
    private final Row rows;

    Wrapper(Row rows) {
      this.rows = rows;
    }

    @Override
    public int getInt(int column) throws SQLException {
      if (current != owner) {
        throw new SQLException("released", "08S02");
      }
      try {
        return rows.getInt(column);
      } catch (SQLException e) {
        throw translate(e);
      }
    }

    @Override
    public String getString(int column) throws SQLException {
      if (current != owner) {
        throw new SQLException("released", "08S02");
      }
      try {
        return rows.getString(column);
      } catch (SQLException e) {
        throw translate(e);
      }
    }
  }

  /** A call as the routed wrappers make it: the check and the catch in one method, a lambda. */
  interface Call<T> {
    T call() throws SQLException;
  }

  <T> T call(Object from, Call<T> call) throws SQLException {
    if (current != from) {
      throw new SQLException("released", "08S02");
    }
    try {
      return call.call();
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** What pgha-jdbc's wrappers do per call ({@code RoutedConnection.call}). */
  final class LambdaWrapper implements Row {
    private final Row rows;

    LambdaWrapper(Row rows) {
      this.rows = rows;
    }

    @Override
    public int getInt(int column) throws SQLException {
      return call(owner, () -> rows.getInt(column));
    }

    @Override
    public String getString(int column) throws SQLException {
      return call(owner, () -> rows.getString(column));
    }
  }

  @Benchmark
  public int delegatingCall() throws SQLException {
    return delegating.getInt(1) + delegating.getString(2).length();
  }

  @Benchmark
  public int direct() throws SQLException {
    return target.getInt(1) + target.getString(2).length();
  }

  @Benchmark
  public int proxy() throws SQLException {
    return proxied.getInt(1) + proxied.getString(2).length();
  }

  @Benchmark
  public int wrapper() throws SQLException {
    return wrapped.getInt(1) + wrapped.getString(2).length();
  }
}
