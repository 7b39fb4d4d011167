package io.pgha.spring.boot;

import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.pgha.jdbc.FailoverBackoff;
import io.pgha.jdbc.routing.PghaSqlStates;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs work again when it failed because of a failover, with a Resilience4j {@link Retry}: the work
 * is retried when the cause chain of its failure holds a {@link SQLException} with a retryable
 * SQLState of pgha-jdbc ({@link PghaSqlStates#isRetryable}), and, for idempotent work, 08007. It is
 * what {@link RetryOnFailover} uses; call it directly around a {@code TransactionTemplate}:
 *
 * <pre>{@code
 * Order saved = failoverRetry.call(() -> transactionTemplate.execute(status -> repo.save(order)));
 * }</pre>
 *
 * <p>Pauses between attempts grow exponentially with jitter from the configured wait ({@link
 * FailoverBackoff}). Its Retry instances come from a {@link RetryRegistry}, named {@value #NAME}
 * and {@value #IDEMPOTENT_NAME} ({@code -<attempts>} appended for a method's own attempt count):
 * the application's registry bean when there is one, so that resilience4j-micrometer reports them.
 */
public final class FailoverRetry {

  /** Name of the Retry of non-idempotent work. */
  public static final String NAME = "pgha-failover";

  /** Name of the Retry of idempotent work. */
  public static final String IDEMPOTENT_NAME = "pgha-failover-idempotent";

  private final int maxAttempts;
  private final Duration wait;
  private final RetryRegistry registry;
  private final Retry retry;
  private final Retry idempotentRetry;

  /**
   * With a registry of its own.
   *
   * @param maxAttempts attempts, the first included; at least 1
   * @param wait first pause between attempts; zero or positive
   */
  public FailoverRetry(int maxAttempts, Duration wait) {
    this(maxAttempts, wait, RetryRegistry.ofDefaults());
  }

  /**
   * @param maxAttempts attempts, the first included; at least 1
   * @param wait first pause between attempts; zero or positive
   * @param registry where the Retry instances are taken from (a Retry of the same name already
   *     there is used as it is)
   */
  public FailoverRetry(int maxAttempts, Duration wait, RetryRegistry registry) {
    if (maxAttempts < 1) {
      throw new InvalidPghaPropertyException(
          "pgha.retry.max-attempts", String.valueOf(maxAttempts), "must be at least 1", null);
    }
    if (wait == null || wait.isNegative()) {
      throw new InvalidPghaPropertyException(
          "pgha.retry.wait", String.valueOf(wait), "must be zero or positive", null);
    }
    this.maxAttempts = maxAttempts;
    this.wait = wait;
    this.registry = Objects.requireNonNull(registry, "registry");
    this.retry = retry(maxAttempts, false);
    this.idempotentRetry = retry(maxAttempts, true);
  }

  /** Runs {@code work}, again on a failover failure, up to the configured attempts. */
  public <T> T call(Supplier<T> work) {
    return call(work, false);
  }

  /**
   * Runs {@code work}, again on a failover failure.
   *
   * @param idempotent whether an unknown commit outcome (08007) is retried too
   */
  public <T> T call(Supplier<T> work, boolean idempotent) {
    Objects.requireNonNull(work, "work");
    return (idempotent ? idempotentRetry : retry).executeSupplier(work);
  }

  /** Like {@link #call(Supplier, boolean)} for work that throws checked exceptions. */
  public <T> T callChecked(CheckedSupplier<T> work, boolean idempotent, int attempts)
      throws Throwable {
    Retry r =
        attempts <= 0 || attempts == maxAttempts
            ? (idempotent ? idempotentRetry : retry)
            : retry(attempts, idempotent);
    return r.executeCheckedSupplier(work);
  }

  /** How many calls needed more than one attempt (succeeded or not) since start. */
  public long retriedCalls() {
    return retried(retry) + retried(idempotentRetry);
  }

  private static long retried(Retry r) {
    return r.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()
        + r.getMetrics().getNumberOfFailedCallsWithRetryAttempt();
  }

  private Retry retry(int attempts, boolean idempotent) {
    String name = idempotent ? IDEMPOTENT_NAME : NAME;
    return registry.retry(
        attempts == maxAttempts ? name : name + "-" + attempts,
        () ->
            RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(FailoverBackoff.of(wait))
                .retryOnException(t -> isFailover(t, idempotent))
                .build());
  }

  /**
   * True when the cause chain holds a SQLException whose state means the work can run again: 08S02
   * or 08001, and 08007 for idempotent work.
   */
  public static boolean isFailover(Throwable failure, boolean idempotent) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
          String state = s.getSQLState();
          if (PghaSqlStates.isRetryable(state)
              || (idempotent && PghaSqlStates.TRANSACTION_STATE_UNKNOWN.equals(state))) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
