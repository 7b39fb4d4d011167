package io.pgha.jdbc.routing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Creates the dynamic proxies handed to applications. {@link Proxy#newProxyInstance} looks the
 * proxy class up on every call; the constructors are resolved once here because a proxy is made on
 * every {@code getConnection()} and statement.
 */
final class JdbcProxies {

  private static final MethodHandle CONNECTION = constructor(Connection.class);
  private static final MethodHandle STATEMENT = constructor(Statement.class);
  private static final MethodHandle PREPARED = constructor(PreparedStatement.class);
  private static final MethodHandle CALLABLE = constructor(CallableStatement.class);
  private static final MethodHandle RESULT_SET = constructor(ResultSet.class);

  private JdbcProxies() {}

  static Connection connection(InvocationHandler handler) {
    return (Connection) create(CONNECTION, handler);
  }

  /** A proxy of the most specific statement interface {@code statement} implements. */
  static Statement statement(Statement statement, InvocationHandler handler) {
    MethodHandle constructor =
        statement instanceof CallableStatement
            ? CALLABLE
            : statement instanceof PreparedStatement ? PREPARED : STATEMENT;
    return (Statement) create(constructor, handler);
  }

  static ResultSet resultSet(InvocationHandler handler) {
    return (ResultSet) create(RESULT_SET, handler);
  }

  private static Object create(MethodHandle constructor, InvocationHandler handler) {
    try {
      return constructor.invoke(handler);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cannot create a JDBC proxy", t);
    }
  }

  private static MethodHandle constructor(Class<?> type) {
    Class<?> proxyClass =
        Proxy.newProxyInstance(
                JdbcProxies.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> null)
            .getClass();
    try {
      return MethodHandles.publicLookup()
          .findConstructor(proxyClass, MethodType.methodType(void.class, InvocationHandler.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
