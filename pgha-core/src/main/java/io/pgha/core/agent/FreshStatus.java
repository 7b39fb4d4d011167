package io.pgha.core.agent;

import io.pgha.core.postgres.PostgresStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The local PostgreSQL's status read now for the HTTP API, while the peers compare WAL positions
 * ({@code GET /patroni}, as Patroni answers it from a query at each request): the HA loop's last
 * status can be a whole loop old, and a replica that received more WAL since would look behind.
 *
 * <p>Bounded both ways: one read at a time on one thread, a read younger than {@code maxAge} is
 * reused (so a flood of requests costs the server a few connections a second), and a request waits
 * at most {@code maxWait} for a read under way, then answers with what was known before (a hung
 * PostgreSQL must not hold the API's health checks).
 */
final class FreshStatus {
  private record Timed(PostgresStatus status, long readNanos) {}

  private final Supplier<PostgresStatus> read;
  private final long maxAgeNanos;
  private final long maxWaitMillis;
  private final ThreadPoolExecutor thread;
  private volatile Timed last;
  private CompletableFuture<Timed> underWay;

  /**
   * @param read the status now (never throws)
   * @param name the member name, for the thread's name
   */
  FreshStatus(
      Supplier<PostgresStatus> read,
      java.time.Duration maxAge,
      java.time.Duration maxWait,
      String name) {
    this.read = read;
    this.maxAgeNanos = maxAge.toNanos();
    this.maxWaitMillis = maxWait.toMillis();
    this.thread =
        new ThreadPoolExecutor(
            0,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "pgha-api-status-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** A status at most {@code maxAge} old, or {@code known} when none could be read in time. */
  PostgresStatus get(PostgresStatus known) {
    Timed t = last;
    if (t != null && System.nanoTime() - t.readNanos() < maxAgeNanos) {
      return t.status();
    }
    CompletableFuture<Timed> reading;
    synchronized (this) {
      if (underWay == null || underWay.isDone()) {
        underWay =
            CompletableFuture.supplyAsync(
                () -> {
                  long started = System.nanoTime();
                  Timed done = new Timed(read.get(), started);
                  last = done;
                  return done;
                },
                thread);
      }
      reading = underWay;
    }
    try {
      return reading.get(maxWaitMillis, TimeUnit.MILLISECONDS).status();
    } catch (TimeoutException | ExecutionException e) {
      return known;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return known;
    }
  }
}
