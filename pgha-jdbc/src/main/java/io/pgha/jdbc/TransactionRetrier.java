package io.pgha.jdbc;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.pgha.jdbc.routing.PghaSqlStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Runs a unit of work in a transaction and runs it again when it failed because of a failover
 * (SQLState 08S02 or 08001), through a Resilience4j {@link Retry}. Work that fails with 08007 (the
 * commit may have happened) is retried only when declared idempotent. Pauses between attempts grow
 * exponentially with jitter from the configured wait ({@link FailoverBackoff}).
 *
 * <p>The {@link Retry} comes from a {@link RetryRegistry} when one is given ({@link
 * Builder#retryRegistry}), under {@link Builder#name}: resilience4j-micrometer then reports it
 * ({@code TaggedRetryMetrics.ofRetryRegistry(registry)}).
 *
 * <pre>{@code
 * TransactionRetrier retrier = TransactionRetrier.builder(dataSource).maxAttempts(5).build();
 * long id = retrier.inTransaction(c -> insertOrder(c, order));
 * }</pre>
 */
public final class TransactionRetrier {

  /** Default number of attempts, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** Default first pause between attempts (later ones grow, see {@link FailoverBackoff}). */
  public static final Duration DEFAULT_WAIT = Duration.ofMillis(100);

  /** Default name of the Retry, in its registry and its meters. */
  public static final String DEFAULT_NAME = "pgha-transaction";

  private final DataSource dataSource;
  private final DataSource readOnlyDataSource;
  private final Retry retry;

  private TransactionRetrier(Builder b) {
    this.dataSource = b.dataSource;
    this.readOnlyDataSource =
        b.dataSource instanceof TopologyAwareDataSource t ? t.readOnly() : b.dataSource;
    boolean idempotent = b.idempotent;
    RetryConfig retryConfig =
        RetryConfig.custom()
            .maxAttempts(b.maxAttempts)
            .intervalFunction(FailoverBackoff.of(b.wait))
            .retryOnException(
                t ->
                    t instanceof SQLException e
                        && (PghaSqlStates.isRetryable(e.getSQLState())
                            || (idempotent
                                && PghaSqlStates.TRANSACTION_STATE_UNKNOWN.equals(
                                    e.getSQLState()))))
            .build();
    this.retry =
        b.registry == null ? Retry.of(b.name, retryConfig) : b.registry.retry(b.name, retryConfig);
  }

  /** The Resilience4j Retry this retrier runs its work through. */
  public Retry retry() {
    return retry;
  }

  /** A builder for a retrier over {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** Runs read-write work in a transaction on the leader. */
  public <T> T inTransaction(SqlWork<T> work) throws SQLException {
    return run(dataSource, false, work);
  }

  /** Runs read-only work in a transaction on a replica (or the leader as fallback). */
  public <T> T readOnly(SqlWork<T> work) throws SQLException {
    return run(readOnlyDataSource, true, work);
  }

  /** How many attempts were retried since this retrier was built (for tests and metrics). */
  public long retriedAttempts() {
    Retry.Metrics m = retry.getMetrics();
    return m.getNumberOfSuccessfulCallsWithRetryAttempt()
        + m.getNumberOfFailedCallsWithRetryAttempt();
  }

  private <T> T run(DataSource ds, boolean readOnly, SqlWork<T> work) throws SQLException {
    try {
      return retry.executeCheckedSupplier(() -> once(ds, readOnly, work));
    } catch (SQLException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new SQLException("unit of work failed: " + t, t);
    }
  }

  private static <T> T once(DataSource ds, boolean readOnly, SqlWork<T> work) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(readOnly);
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }

  /** Builds a {@link TransactionRetrier}. */
  public static final class Builder {
    private final DataSource dataSource;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration wait = DEFAULT_WAIT;
    private boolean idempotent;
    private String name = DEFAULT_NAME;
    private RetryRegistry registry;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Attempts, the first included; at least 1. */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("pgha: maxAttempts (" + value + ") must be at least 1");
      }
      maxAttempts = value;
      return this;
    }

    /**
     * First pause between attempts, zero or positive; later pauses grow exponentially with jitter
     * ({@link FailoverBackoff}).
     */
    public Builder wait(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("pgha: wait (" + value + ") must be zero or positive");
      }
      wait = value;
      return this;
    }

    /** Whether the work may also be retried when a commit's outcome is unknown (08007). */
    public Builder idempotent(boolean value) {
      idempotent = value;
      return this;
    }

    /**
     * The Retry's name, in its registry and its meters; default {@value
     * TransactionRetrier#DEFAULT_NAME}.
     */
    public Builder name(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("pgha: name (" + value + ") must not be empty");
      }
      name = value;
      return this;
    }

    /**
     * The registry the Retry is taken from, so that what reports the registry's retries
     * (resilience4j-micrometer, resilience4j-spring-boot) reports this one; default none. A Retry
     * of the same {@link #name} already in the registry is used as it is, with its own settings.
     */
    public Builder retryRegistry(RetryRegistry value) {
      registry = Objects.requireNonNull(value, "retryRegistry");
      return this;
    }

    public TransactionRetrier build() {
      return new TransactionRetrier(this);
    }
  }
}
