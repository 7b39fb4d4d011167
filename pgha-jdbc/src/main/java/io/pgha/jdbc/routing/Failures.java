package io.pgha.jdbc.routing;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** Which failures mean "the server went away or stopped being primary", in one place. */
final class Failures {

  private Failures() {}

  /** Connection exceptions (class 08) and shutdown states (57P01-57P03), anywhere in the chain. */
  static boolean isServerGone(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if (state != null
            && (state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03"))) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** 25006: the server is in recovery (read-only), so it is no longer the primary. */
  static boolean isNotPrimary(SQLException e) {
    return "25006".equals(e.getSQLState());
  }

  /** A retryable failure: rolled back, the next attempt is routed afresh. */
  static SQLException retry(String message, SQLException cause) {
    return new SQLRecoverableException(
        message + "; the transaction was rolled back, retry it",
        PghaSqlStates.FAILOVER_RETRY,
        cause);
  }

  /** The outcome of the commit in flight is unknown. */
  static SQLException unknown(String message, SQLException cause) {
    return new SQLRecoverableException(
        message + "; the transaction may or may not have committed",
        PghaSqlStates.TRANSACTION_STATE_UNKNOWN,
        cause);
  }

  /** No server to route to within the bound. */
  static SQLException noTarget(String message, SQLException cause) {
    return new SQLTransientConnectionException(message, PghaSqlStates.NO_LEADER, cause);
  }
}
