package io.pgha.jdbc.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.Executor;

/**
 * The connection handed to applications. It binds to a physical connection only when first used, so
 * {@code setReadOnly(true)} before the first statement (what Spring's read-only transactions do)
 * routes the work to a replica. Failures that mean the server went away or stopped being primary
 * are raised with the SQLStates of {@link PghaSqlStates} (from the connection, its statements and
 * their result sets alike), and the broken physical connection is released so that the next use
 * binds afresh.
 *
 * <p>Not thread-safe, like any JDBC connection.
 */
final class RoutedConnection implements InvocationHandler {

  private final Router router;
  private boolean readOnly;
  private boolean autoCommit = true;
  private int isolation = -1;
  private int networkTimeoutMillis = -1;
  private Executor networkTimeoutExecutor;
  private Connection physical;
  private MemberPool pool;
  private LentConnections.Lease lease;
  private boolean inTransaction;
  private boolean closed;
  private Connection self;

  RoutedConnection(Router router, boolean readOnly) {
    this.router = router;
    this.readOnly = readOnly;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    self = (Connection) proxy;
    String name = method.getName();
    switch (name) {
      case "toString":
        return "pgha connection ("
            + (readOnly ? "read-only" : "read-write")
            + ", "
            + (pool == null ? "not bound" : "on " + pool.name())
            + ")";
      case "hashCode":
        return System.identityHashCode(proxy);
      case "equals":
        return proxy == args[0];
      case "close":
        close();
        return null;
      case "isClosed":
        return closed;
      case "abort":
        if (physical != null) {
          router.giveBack(lease);
          physical.abort((Executor) args[0]);
        }
        closed = true;
        physical = null;
        lease = null;
        return null;
      default:
        break;
    }
    if (closed) {
      throw new SQLNonTransientConnectionException("connection is closed", "08003");
    }
    if (router.isClosed()) {
      close();
      throw new SQLNonTransientConnectionException("the pgha DataSource is closed", "08003");
    }
    switch (name) {
      case "isValid":
        return physical == null || invokePhysical(method, args, false) == Boolean.TRUE;
      case "setReadOnly":
        setReadOnly((Boolean) args[0]);
        return null;
      case "isReadOnly":
        return readOnly;
      case "setAutoCommit":
        autoCommit = (Boolean) args[0];
        if (autoCommit) {
          inTransaction = false;
        }
        return physical == null ? null : invokePhysical(method, args, autoCommit);
      case "getAutoCommit":
        return autoCommit;
      case "setTransactionIsolation":
        isolation = (Integer) args[0];
        return physical == null ? null : invokePhysical(method, args, false);
      case "getTransactionIsolation":
        if (physical == null && isolation >= 0) {
          return isolation;
        }
        break;
      case "setNetworkTimeout":
        // Kept for the connections bound from now on (the pool resets its own on return).
        networkTimeoutExecutor = (Executor) args[0];
        networkTimeoutMillis = (Integer) args[1];
        return physical == null ? null : invokePhysical(method, args, false);
      case "getNetworkTimeout":
        if (physical == null && networkTimeoutMillis >= 0) {
          return networkTimeoutMillis;
        }
        break;
      case "commit":
      case "rollback":
        if (physical == null) {
          return null;
        }
        try {
          return invokePhysical(method, args, "commit".equals(name));
        } finally {
          inTransaction = false;
        }
      case "getWarnings":
        if (physical == null) {
          return null;
        }
        break;
      case "clearWarnings":
        if (physical == null) {
          return null;
        }
        break;
      case "unwrap":
        if (((Class<?>) args[0]).isInstance(proxy)) {
          return proxy;
        }
        break;
      case "isWrapperFor":
        if (((Class<?>) args[0]).isInstance(proxy)) {
          return true;
        }
        break;
      default:
        break;
    }
    if (physical != null
        && !readOnly
        && !inTransaction
        && startsWork(name)
        && !router.takesNewWrites(pool)) {
      // Between transactions on a leader that is draining or deposed: new work waits for (and
      // goes to) the leader of now instead of failing where it is.
      releasePhysical();
    }
    bind();
    Object result = invokePhysical(method, args, false);
    if (result instanceof Statement statement) {
      return RoutedStatement.of(this, physical, statement, self);
    }
    return result;
  }

  private static boolean startsWork(String method) {
    return method.equals("createStatement")
        || method.equals("prepareStatement")
        || method.equals("prepareCall");
  }

  private void setReadOnly(boolean value) throws SQLException {
    if (value == readOnly) {
      return;
    }
    if (physical != null && inTransaction) {
      throw new SQLException(
          "cannot change read-only mode inside a transaction on " + pool.name(), "25001");
    }
    readOnly = value;
    // Bound to a server of the wrong role: give it back; the next statement binds again.
    releasePhysical();
  }

  private void bind() throws SQLException {
    if (physical != null) {
      return;
    }
    LentConnections.Lease b = router.lend(readOnly);
    Connection c = b.connection();
    try {
      if (readOnly) {
        c.setReadOnly(true);
      }
      if (!autoCommit) {
        c.setAutoCommit(false);
      }
      if (isolation >= 0) {
        c.setTransactionIsolation(isolation);
      }
      if (networkTimeoutMillis >= 0) {
        c.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
      }
    } catch (SQLException e) {
      router.giveBack(b);
      closeQuietly(c);
      // Nothing ran on it yet: a pooled connection that went away (aborted when its member lost
      // its place, then lent again before the pool noticed) is a failover to retry.
      throw Failures.isServerGone(e)
          ? Failures.retry(b.pool().name() + " went away before its first use", e)
          : e;
    }
    physical = c;
    pool = b.pool();
    lease = b;
  }

  /**
   * Calls the physical connection (or one of its statements) and translates failover failures.
   *
   * @param outcomeUnknown true when the call may have committed (a commit, or auto-commit work)
   */
  private Object invokePhysical(Method method, Object[] args, boolean outcomeUnknown)
      throws Throwable {
    return call(physical, method, args, outcomeUnknown);
  }

  private Object call(Object target, Method method, Object[] args, boolean outcomeUnknown)
      throws Throwable {
    try {
      // Calls on the connection are few (a handful per transaction); its statements and result
      // sets, where calls per row add up, are delegating wrappers.
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw translate(sql, outcomeUnknown);
      }
      throw cause;
    }
  }

  /**
   * Translates a failure of the physical connection, a statement or a result set: one that means
   * the server went away or stopped being primary releases the connection and is raised with a
   * failover SQLState; any other is returned as it is.
   */
  SQLException translate(SQLException e, boolean outcomeUnknown) {
    boolean gone = Failures.isServerGone(e);
    boolean demoted = !readOnly && Failures.isNotPrimary(e);
    if (!gone && !demoted) {
      return e;
    }
    String where = pool.name();
    SQLException raised;
    if (readOnly) {
      raised = Failures.retry("replica " + where + " failed (" + e.getMessage() + ")", e);
    } else if (demoted) {
      raised = Failures.retry(where + " is no longer the primary", e);
    } else if (outcomeUnknown) {
      raised = Failures.unknown("leader " + where + " went away during a commit", e);
    } else {
      raised = Failures.retry("leader " + where + " went away (" + e.getMessage() + ")", e);
    }
    MemberPool broken = pool;
    try {
      releasePhysical();
    } catch (SQLException closeFailure) {
      raised.addSuppressed(closeFailure);
    }
    inTransaction = false;
    router.reportBroken(broken, readOnly, raised.getSQLState());
    return raised;
  }

  /** A call on a statement or result set made on this connection. */
  @FunctionalInterface
  interface SqlCall<T> {
    T call() throws SQLException;
  }

  /** A call without a result on a statement or result set made on this connection. */
  @FunctionalInterface
  interface SqlRun {
    void run() throws SQLException;
  }

  /**
   * Runs {@code call} on an object made on {@code owner}: fails unless {@code owner} is still
   * bound, and translates a failure ({@link #translate}); the wrappers' one way to delegate.
   */
  <T> T call(Connection owner, SqlCall<T> call) throws SQLException {
    checkBound(owner);
    try {
      return call.call();
    } catch (SQLException e) {
      throw translate(e, false);
    }
  }

  /** {@link #call} without a result. */
  void run(Connection owner, SqlRun run) throws SQLException {
    checkBound(owner);
    try {
      run.run();
    } catch (SQLException e) {
      throw translate(e, false);
    }
  }

  /**
   * {@link #call} for a statement's execution: it starts the transaction ({@link #executing}), and
   * in auto-commit a failure leaves the outcome unknown.
   */
  <T> T execute(Connection owner, SqlCall<T> call) throws SQLException {
    checkBound(owner);
    boolean outcomeUnknown = executing();
    try {
      return call.call();
    } catch (SQLException e) {
      throw translate(e, outcomeUnknown);
    }
  }

  /** Fails unless {@code owner} is still the bound physical connection. */
  void checkBound(Connection owner) throws SQLException {
    if (physical != owner) {
      throw Failures.retry(
          "the connection under this statement was released after a failover", null);
    }
  }

  /**
   * Whether {@code owner} is still the bound physical connection: a statement or result set made on
   * a connection released since (failover, or a read-only switch) may only be closed.
   */
  boolean isBound(Connection owner) {
    return physical == owner;
  }

  /**
   * A statement is about to execute: outside auto-commit the transaction has started.
   *
   * @return true when a failure would leave the outcome unknown (auto-commit work commits)
   */
  boolean executing() {
    if (!autoCommit) {
      inTransaction = true;
    }
    return autoCommit;
  }

  /** Closes a statement or result set whose connection is gone already. */
  static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      // its connection is gone already
    }
  }

  private void releasePhysical() throws SQLException {
    Connection c = physical;
    LentConnections.Lease l = lease;
    physical = null;
    pool = null;
    lease = null;
    if (l != null) {
      router.giveBack(l);
    }
    if (c != null) {
      c.close();
    }
  }

  private void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    if (router.isClosed()) {
      // The pool aborted the physical connection when it closed; HikariCP's proxy of it would
      // fail with a NullPointerException if given back now.
      physical = null;
      pool = null;
      lease = null;
      return;
    }
    releasePhysical();
  }
}
