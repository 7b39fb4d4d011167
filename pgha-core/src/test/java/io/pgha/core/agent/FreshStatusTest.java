package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.postgres.PostgresStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The API's fresh status: read now, but bounded in rate and in wait. */
class FreshStatusTest {
  private static final PostgresStatus KNOWN = PostgresStatus.notAnswering(false);
  private static final PostgresStatus NOW = PostgresStatus.notAnswering(true);

  @Test
  void aRecentReadIsReusedAndAnOldOneRepeated() throws InterruptedException {
    AtomicInteger reads = new AtomicInteger();
    FreshStatus fresh =
        new FreshStatus(
            () -> {
              reads.incrementAndGet();
              return NOW;
            },
            Duration.ofMillis(300),
            Duration.ofSeconds(5),
            "t");
    assertThat(fresh.get(KNOWN)).isSameAs(NOW);
    assertThat(fresh.get(KNOWN)).isSameAs(NOW);
    assertThat(reads).hasValue(1);
    Thread.sleep(400);
    assertThat(fresh.get(KNOWN)).isSameAs(NOW);
    assertThat(reads).hasValue(2);
  }

  @Test
  void aHungReadCostsARequestTheWaitBoundAndStartsNoSecondRead() {
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    FreshStatus fresh =
        new FreshStatus(
            () -> {
              reads.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return NOW;
            },
            Duration.ofMillis(200),
            Duration.ofMillis(300),
            "t");
    long started = System.nanoTime();
    assertThat(fresh.get(KNOWN)).isSameAs(KNOWN);
    assertThat(fresh.get(KNOWN)).isSameAs(KNOWN);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(reads).hasValue(1);
    release.countDown();
  }
}
