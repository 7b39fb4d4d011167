package io.pgha.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method again when it failed because of a failover: a failure whose cause chain
 * holds a {@link java.sql.SQLException} with SQLState 08S02 (the server went away, the transaction
 * was rolled back) or 08001 (no leader within the wait). Put it next to {@code @Transactional}: the
 * retry wraps the transaction, so each attempt is a new transaction on the current leader.
 *
 * <p>A call made inside a transaction that is already active is not retried here (its rolled-back
 * outer transaction cannot be repeated from inside); annotate the outermost transactional method.
 * The method may run more than once, so it must not keep state from a failed attempt.
 *
 * <p>Attempts and the pause between them default to {@code pgha.retry.max-attempts} and {@code
 * pgha.retry.wait}.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface RetryOnFailover {

  /** Attempts, the first included; 0 uses {@code pgha.retry.max-attempts}. */
  int maxAttempts() default 0;

  /**
   * Whether the method may also run again when the outcome of its commit is unknown (SQLState
   * 08007: the connection broke while the commit was in flight). Only for idempotent work.
   */
  boolean idempotent() default false;
}
