package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresController#stopPrimary} with a limit (Patroni's {@code primary_stop_timeout}) on a
 * real server whose processes are all frozen (SIGSTOP): neither the fast stop nor the immediate
 * shutdown can end it, so SIGKILL does, and the server is down when the call returns.
 */
class PrimaryStopLimitTest {
  private PostgresController pg;

  @AfterEach
  void cleanUp() {
    if (pg != null) {
      TestNodes.stopAll(List.of(pg));
    }
  }

  @Test
  void aFrozenServerIsKilledOnceTheLimitHasPassedTwice() throws Exception {
    Path work = TestNodes.newWorkDir("stop-limit");
    pg = new PostgresController(TestNodes.config("pg-s", work, TestNodes.freePort()).build());
    pg.bootstrap(Duration.ofSeconds(60));
    long postmaster = pg.pid().orElseThrow();
    TestNodes.signalAll(postmaster, "STOP");

    pg.stopPrimary(Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(2)));

    assertThat(pg.isRunning()).isFalse();
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
