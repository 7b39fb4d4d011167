package io.pgha.core.agent;

import io.pgha.core.postgres.PostgresControlException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refused failsafe leader's reflex: a round that not every member accepted while etcd does not
 * confirm the lease ({@link FailsafeGuard}) demotes the leader as soon as the round's result is
 * known, not in an HA cycle that may be waiting on that etcd (a request timeout per call).
 *
 * <p>It does what the decision already decided for such a leader ({@code
 * io.pgha.core.ha.Failsafe#afterRefusal}: {@code DEMOTE}, then {@code START_AS_REPLICA} following
 * no one), as the lease reflex does what the decision's first rule decides at the lease deadline:
 * the fence first, on the lease reflex's thread ({@link LeaseReflex#fence}, lock-free), then, only
 * if that fence stopped a PostgreSQL that ran read-write, a read-only start on a thread of its own,
 * so that no fence ever waits behind a start. A start is read-only whatever happens meanwhile; one
 * the HA loop made first makes this one fail, harmlessly ({@code requireStopped}, under the
 * role-change lock).
 */
final class FailsafeDemotion implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FailsafeDemotion.class);

  private final String name;
  private final Function<String, CompletableFuture<Boolean>> fence;
  private final Runnable startReadOnly;
  private final Runnable started;
  private final ExecutorService starts;

  /**
   * @param fence fences on the lease reflex's thread; completes with whether it stopped PostgreSQL
   * @param startReadOnly starts the stopped PostgreSQL read-only, following no one
   * @param started told once it did (wakes the HA loop)
   */
  FailsafeDemotion(
      String name,
      Function<String, CompletableFuture<Boolean>> fence,
      Runnable startReadOnly,
      Runnable started) {
    this.name = name;
    this.fence = fence;
    this.startReadOnly = startReadOnly;
    this.started = started;
    this.starts =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-failsafe-demote-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Fences now and starts PostgreSQL read-only once the fence stopped it; returns at once. */
  void demote(String why) {
    fence
        .apply(why)
        .thenAcceptAsync(
            stopped -> {
              if (stopped) {
                start();
              }
            },
            starts)
        .exceptionally(
            e -> {
              if (!(e.getCause() instanceof RejectedExecutionException)) {
                LOG.error("[{}] failsafe demotion failed", name, e);
              }
              return null;
            });
  }

  private void start() {
    try {
      startReadOnly.run();
      LOG.warn(
          "[{}] failsafe: started PostgreSQL read-only, following no one, without waiting for the"
              + " HA loop",
          name);
      started.run();
    } catch (PostgresControlException | IllegalStateException e) {
      // The loop started it first, or a role change holds it: the loop's next decision goes on.
      LOG.info("[{}] failsafe: not started read-only here: {}", name, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("[{}] failsafe: starting PostgreSQL read-only failed", name, e);
    }
  }

  @Override
  public void close() {
    starts.shutdownNow();
  }
}
