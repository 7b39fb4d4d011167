package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FailsafeDemotionTest {

  @Test
  void aFenceThatStoppedPostgresIsFollowedByAReadOnlyStartOnAThreadOfItsOwn() throws Exception {
    AtomicReference<String> startedOn = new AtomicReference<>();
    CountDownLatch woken = new CountDownLatch(1);
    CompletableFuture<Boolean> fence = new CompletableFuture<>();
    try (FailsafeDemotion d =
        new FailsafeDemotion(
            "pg-1",
            why -> fence,
            () -> startedOn.set(Thread.currentThread().getName()),
            woken::countDown)) {
      d.demote("not confirmed by {pg-2=Connection refused}");
      // Nothing starts before the fence ran.
      assertThat(woken.await(100, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(startedOn.get()).isNull();
      // The fence's thread (here the test's) hands the start over and does not run it.
      fence.complete(true);
      assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(startedOn.get())
          .isEqualTo("pgha-failsafe-demote-pg-1")
          .isNotEqualTo(Thread.currentThread().getName());
    }
  }

  @Test
  void aFenceThatFoundNothingToStopStartsNothing() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    try (FailsafeDemotion d =
        new FailsafeDemotion(
            "pg-1",
            why -> CompletableFuture.completedFuture(false),
            starts::incrementAndGet,
            () -> {})) {
      d.demote("not confirmed");
      Thread.sleep(200);
      assertThat(starts).hasValue(0);
    }
  }

  @Test
  void aStartThatFailsDoesNotWakeTheLoopAndLeavesTheNextDemotionWorking() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch woken = new CountDownLatch(1);
    try (FailsafeDemotion d =
        new FailsafeDemotion(
            "pg-1",
            why -> CompletableFuture.completedFuture(true),
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("PostgreSQL is running already");
              }
            },
            woken::countDown)) {
      d.demote("first");
      d.demote("second");
      assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(attempts).hasValue(2);
    }
  }
}
