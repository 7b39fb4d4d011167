package io.pgha.jdbc.routing;

/**
 * The SQLStates the DataSource raises when a connection breaks because of a failover. They follow
 * the contract of the AWS Advanced JDBC Wrapper so that existing retry code recognises them.
 */
public final class PghaSqlStates {

  /**
   * The server went away or stopped being primary, the transaction was rolled back, and a
   * connection to the current leader (or another replica) is available: retry the transaction.
   */
  public static final String FAILOVER_RETRY = "08S02";

  /**
   * The connection broke while a commit (or an auto-commit statement) was in flight: the
   * transaction may or may not have committed. Retry only idempotent work.
   */
  public static final String TRANSACTION_STATE_UNKNOWN = "08007";

  /** No leader appeared within the configured wait, or no member could be reached. */
  public static final String NO_LEADER = "08001";

  private PghaSqlStates() {}

  /** True for the states after which a transaction can safely run again. */
  public static boolean isRetryable(String sqlState) {
    return FAILOVER_RETRY.equals(sqlState) || NO_LEADER.equals(sqlState);
  }
}
