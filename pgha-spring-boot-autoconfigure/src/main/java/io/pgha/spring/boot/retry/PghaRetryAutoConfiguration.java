package io.pgha.spring.boot.retry;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.pgha.spring.boot.FailoverRetry;
import io.pgha.spring.boot.PghaRetryProperties;
import io.pgha.spring.boot.RetryOnFailover;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Retry of {@link RetryOnFailover} methods. It needs no AspectJ: the advisor is an infrastructure
 * bean, applied by the same auto-proxy creator as {@code @Transactional}, and ordered before the
 * transaction advisor so that each attempt runs in a new transaction.
 */
@AutoConfiguration
@ConditionalOnClass({Retry.class, TransactionSynchronizationManager.class})
@ConditionalOnProperty(
    prefix = "pgha.retry",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(PghaRetryProperties.class)
@Import(AutoProxyRegistrar.class)
public class PghaRetryAutoConfiguration {

  /** Outside the transaction advisor, whose order is {@link Ordered#LOWEST_PRECEDENCE}. */
  public static final int ADVISOR_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

  /**
   * The retry; its Retry instances come from the application's {@link RetryRegistry} bean when
   * there is one (resilience4j-spring-boot's, which resilience4j-micrometer reports), else from a
   * registry of its own.
   */
  @Bean
  @ConditionalOnMissingBean
  public FailoverRetry pghaFailoverRetry(
      PghaRetryProperties properties, ObjectProvider<RetryRegistry> registry) {
    return new FailoverRetry(
        properties.getMaxAttempts(),
        properties.getWait(),
        registry.getIfAvailable(RetryRegistry::ofDefaults));
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "pghaRetryOnFailoverAdvisor")
  public static Advisor pghaRetryOnFailoverAdvisor(ObjectProvider<FailoverRetry> retry) {
    ComposablePointcut pointcut =
        new ComposablePointcut(new AnnotationMatchingPointcut(RetryOnFailover.class, true))
            .union(new AnnotationMatchingPointcut(null, RetryOnFailover.class, true));
    DefaultPointcutAdvisor advisor =
        new DefaultPointcutAdvisor(pointcut, new LazyInterceptor(retry));
    advisor.setOrder(ADVISOR_ORDER);
    return advisor;
  }

  /**
   * The advisor is created early (it is infrastructure); the retry settings come from properties
   * bound later, so the interceptor looks them up on first use.
   */
  static final class LazyInterceptor implements MethodInterceptor {
    private final ObjectProvider<FailoverRetry> retry;
    private volatile RetryOnFailoverInterceptor delegate;

    LazyInterceptor(ObjectProvider<FailoverRetry> retry) {
      this.retry = retry;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
      RetryOnFailoverInterceptor d = delegate;
      if (d == null) {
        d = new RetryOnFailoverInterceptor(retry.getObject());
        delegate = d;
      }
      return d.invoke(invocation);
    }
  }
}
