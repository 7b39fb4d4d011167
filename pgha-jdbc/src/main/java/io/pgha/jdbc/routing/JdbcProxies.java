package io.pgha.jdbc.routing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * Creates the dynamic proxy of the connection handed to applications. {@link
 * Proxy#newProxyInstance} looks the proxy class up on every call; the constructor is resolved once
 * here because a proxy is made on every {@code getConnection()}.
 */
final class JdbcProxies {

  private static final MethodHandle CONNECTION = constructor(Connection.class);

  private JdbcProxies() {}

  static Connection connection(InvocationHandler handler) {
    return (Connection) create(CONNECTION, handler);
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
