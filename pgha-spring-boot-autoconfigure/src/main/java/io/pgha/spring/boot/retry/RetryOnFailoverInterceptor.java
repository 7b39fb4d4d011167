package io.pgha.spring.boot.retry;

import io.pgha.spring.boot.FailoverRetry;
import io.pgha.spring.boot.RetryOnFailover;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Retries {@link RetryOnFailover} methods through {@link FailoverRetry}. */
final class RetryOnFailoverInterceptor implements MethodInterceptor {

  private final FailoverRetry retry;

  RetryOnFailoverInterceptor(FailoverRetry retry) {
    this.retry = retry;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      // An attempt inside a running transaction cannot be repeated on its own: the outer
      // transaction is rolled back by the failover; the outermost annotated method retries.
      return invocation.proceed();
    }
    RetryOnFailover settings = settings(invocation);
    return retry.callChecked(
        () -> copy(invocation).proceed(),
        settings != null && settings.idempotent(),
        settings == null ? 0 : settings.maxAttempts());
  }

  /** Each attempt runs the rest of the interceptor chain from the same point. */
  private static MethodInvocation copy(MethodInvocation invocation) {
    if (invocation instanceof ProxyMethodInvocation p) {
      return p.invocableClone();
    }
    return invocation;
  }

  private static RetryOnFailover settings(MethodInvocation invocation) {
    Method method = invocation.getMethod();
    Class<?> target =
        invocation.getThis() == null
            ? method.getDeclaringClass()
            : AopUtils.getTargetClass(invocation.getThis());
    Method specific = AopUtils.getMostSpecificMethod(method, target);
    RetryOnFailover onMethod =
        AnnotatedElementUtils.findMergedAnnotation(specific, RetryOnFailover.class);
    return onMethod != null
        ? onMethod
        : AnnotatedElementUtils.findMergedAnnotation(target, RetryOnFailover.class);
  }
}
