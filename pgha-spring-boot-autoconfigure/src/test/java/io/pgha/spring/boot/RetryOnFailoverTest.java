package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration;
import io.pgha.spring.boot.retry.PghaRetryAutoConfiguration;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link RetryOnFailover} semantics, with failures raised by the test in the shape pgha-jdbc gives
 * them (a SQLException with SQLState 08S02 / 08001 / 08007 under Spring's translation). The
 * transactions run on the pgha DataSource over a topology that no statement ever reaches. The real
 * failover is in {@code PghaSpringBootClusterTest}.
 */
class RetryOnFailoverTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  PghaDataSourceAutoConfiguration.class,
                  PghaRetryAutoConfiguration.class,
                  DataSourceTransactionManagerAutoConfiguration.class,
                  TransactionAutoConfiguration.class))
          .withPropertyValues("pgha.retry.max-attempts=4", "pgha.retry.wait=0s")
          .withUserConfiguration(Config.class);

  @Configuration(proxyBeanMethods = false)
  static class Config {
    @Bean
    PghaDataSourceConfigCustomizer fixedTopology() {
      return b -> b.topologySource(FixedTopologySource.leaderAndReplica());
    }

    @Bean
    Work work() {
      return new Work();
    }
  }

  /**
   * Fails {@code failures} times with {@code state}, then returns how many calls it took. The test
   * talks to it through methods only: it is a class proxy, whose own fields are not the target's.
   */
  static class Work {
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Boolean> inTransaction = new ArrayList<>();
    private volatile int failures;
    private volatile String state = "08S02";

    public void failFirst(int count, String sqlState) {
      failures = count;
      state = sqlState;
      calls.set(0);
      inTransaction.clear();
    }

    public int calls() {
      return calls.get();
    }

    public List<Boolean> inTransaction() {
      return List.copyOf(inTransaction);
    }

    int attempt() {
      inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
      int n = calls.incrementAndGet();
      if (n <= failures) {
        throw new DataAccessResourceFailureException(
            "server went away", new SQLException("connection lost", state));
      }
      return n;
    }

    @Transactional
    @RetryOnFailover
    public int transactional() {
      return attempt();
    }

    @RetryOnFailover(maxAttempts = 2)
    public int twoAttempts() {
      return attempt();
    }

    @RetryOnFailover(idempotent = true)
    public int idempotent() {
      return attempt();
    }

    @RetryOnFailover
    public int plain() {
      return attempt();
    }
  }

  @Test
  void aFailoverFailureRunsTheTransactionAgainInANewTransaction() {
    runner.run(
        ctx -> {
          Work work = ctx.getBean(Work.class);
          work.failFirst(2, "08S02");
          assertThat(work.transactional()).isEqualTo(3);
          // Each attempt ran inside a transaction: the retry wraps @Transactional, not the reverse.
          assertThat(work.inTransaction()).containsExactly(true, true, true);
          assertThat(ctx.getBean(FailoverRetry.class).retriedCalls()).isEqualTo(1);
        });
  }

  @Test
  void noLeaderIsRetriedToo() {
    runner.run(
        ctx -> {
          Work work = ctx.getBean(Work.class);
          work.failFirst(1, "08001");
          assertThat(work.plain()).isEqualTo(2);
        });
  }

  @Test
  void otherFailuresAreNotRetried() {
    runner.run(
        ctx -> {
          Work work = ctx.getBean(Work.class);
          work.failFirst(1, "23505");
          assertThatThrownBy(work::plain).isInstanceOf(DataAccessResourceFailureException.class);
          assertThat(work.calls()).isEqualTo(1);
        });
  }

  @Test
  void attemptsAreBounded() {
    runner.run(
        ctx -> {
          Work work = ctx.getBean(Work.class);
          work.failFirst(10, "08S02");
          assertThatThrownBy(work::plain).isInstanceOf(DataAccessResourceFailureException.class);
          assertThat(work.calls()).isEqualTo(4);
          work.failFirst(10, "08S02");
          assertThatThrownBy(work::twoAttempts)
              .isInstanceOf(DataAccessResourceFailureException.class);
          assertThat(work.calls()).isEqualTo(2);
        });
  }

  @Test
  void anUnknownCommitOutcomeIsRetriedOnlyForIdempotentWork() {
    runner.run(
        ctx -> {
          Work work = ctx.getBean(Work.class);
          work.failFirst(1, "08007");
          assertThatThrownBy(work::plain).isInstanceOf(DataAccessResourceFailureException.class);
          work.failFirst(1, "08007");
          assertThat(work.idempotent()).isEqualTo(2);
        });
  }

  @Test
  void insideARunningTransactionTheOutermostCallerRetries() {
    runner.run(
        ctx -> {
          Work work = ctx.getBean(Work.class);
          TransactionTemplate tx = ctx.getBean(TransactionTemplate.class);
          work.failFirst(1, "08S02");
          assertThatThrownBy(() -> tx.executeWithoutResult(s -> work.plain()))
              .isInstanceOf(DataAccessResourceFailureException.class);
          assertThat(work.calls()).isEqualTo(1);
          // The programmatic form around the whole transaction retries it.
          work.failFirst(1, "08S02");
          FailoverRetry retry = ctx.getBean(FailoverRetry.class);
          Integer result = retry.call(() -> tx.execute(s -> work.plain()));
          assertThat(result).isEqualTo(2);
        });
  }

  @Test
  void theCauseChainIsSearched() {
    SQLException next = new SQLException("batch", "23505");
    next.setNextException(new SQLException("gone", "08S02"));
    assertThat(FailoverRetry.isFailover(new RuntimeException(next), false)).isTrue();
    assertThat(FailoverRetry.isFailover(new RuntimeException("no sql"), false)).isFalse();
    assertThat(FailoverRetry.isFailover(new SQLException("x", "08007"), false)).isFalse();
    assertThat(FailoverRetry.isFailover(new SQLException("x", "08007"), true)).isTrue();
  }
}
