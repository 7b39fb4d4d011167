package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Where the retrier's Retry comes from and how long it pauses; no work runs here. */
class TransactionRetrierTest {

  private static final DataSource UNUSED = new PGSimpleDataSource();

  @Test
  void theRetryComesFromTheGivenRegistryUnderItsName() {
    RetryRegistry registry = RetryRegistry.ofDefaults();
    TransactionRetrier orders =
        TransactionRetrier.builder(UNUSED).name("orders").retryRegistry(registry).build();
    TransactionRetrier defaults =
        TransactionRetrier.builder(UNUSED).retryRegistry(registry).build();

    assertThat(registry.find("orders")).containsSame(orders.retry());
    assertThat(registry.find(TransactionRetrier.DEFAULT_NAME)).containsSame(defaults.retry());
    assertThat(orders.retry().getRetryConfig().getMaxAttempts())
        .isEqualTo(TransactionRetrier.DEFAULT_MAX_ATTEMPTS);
  }

  @Test
  void pausesGrowExponentiallyWithJitterFromTheFirstWait() {
    Function<Integer, Long> pauses =
        TransactionRetrier.builder(UNUSED)
            .wait(Duration.ofMillis(100))
            .build()
            .retry()
            .getRetryConfig()
            .getIntervalFunction();
    for (int i = 0; i < 50; i++) {
      assertThat(pauses.apply(1)).isBetween(50L, 150L);
      assertThat(pauses.apply(2)).isBetween(100L, 300L);
      assertThat(pauses.apply(3)).isBetween(200L, 600L);
      assertThat(pauses.apply(8)).isBetween(1000L, FailoverBackoff.MAX_WAIT.toMillis());
    }
    assertThat(IntStream.range(0, 50).mapToLong(i -> pauses.apply(1)).distinct().count())
        .as("jitter")
        .isGreaterThan(1);
    assertThat(FailoverBackoff.of(Duration.ZERO).apply(3)).isZero();
    assertThat(FailoverBackoff.of(Duration.ofSeconds(5)).apply(4)).isBetween(2500L, 5000L);
  }
}
