package io.pgha.core.postgres;

/**
 * An action on the local PostgreSQL failed. The message names the cause (file, port, command and
 * the tail of its output) and never contains a password.
 */
public class PostgresControlException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong, for callers that react differently to each cause. */
  public enum Kind {
    /** A PostgreSQL binary (initdb, postgres, pg_ctl, ...) was not found or is not executable. */
    MISSING_BINARY,
    /** The data directory belongs to another OS user than the one PostgreSQL runs as. */
    DATA_DIR_NOT_OWNED,
    /** The data directory is not empty where an empty one is needed. */
    DATA_DIR_NOT_EMPTY,
    /** The data directory does not hold a PostgreSQL cluster. */
    DATA_DIR_MISSING,
    /** Something else listens on the configured port. */
    PORT_IN_USE,
    /** initdb failed. */
    INITDB_FAILED,
    /** Creating a replica (pg_basebackup or a custom strategy) failed. */
    CLONE_FAILED,
    /** PostgreSQL did not start or did not accept connections in time. */
    START_FAILED,
    /** PostgreSQL did not stop in time. */
    STOP_FAILED,
    /** Promotion failed or timed out. */
    PROMOTE_FAILED,
    /**
     * The leader belongs to another cluster (different system identifier): never rewound or cloned
     * over; PostgreSQL stays stopped.
     */
    SYSTEM_ID_MISMATCH,
    /** pg_rewind failed and the data directory may not be removed; PostgreSQL stays stopped. */
    REWIND_FAILED,
    /** The action needs PostgreSQL running (or stopped) and it is not. */
    WRONG_STATE,
    /** A SQL command on the local server or the leader failed. */
    SQL_FAILED,
    /** Running an OS command failed (not started, or timed out). */
    COMMAND_FAILED
  }

  private final Kind kind;

  PostgresControlException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  PostgresControlException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }
}
