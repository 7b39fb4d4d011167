package io.pgha.core.agent;

import io.pgha.core.api.RestartRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restart an operator scheduled ({@code POST /restart} with {@code schedule}, {@code patronictl
 * restart --scheduled}): at most one per member, as Patroni's; shown in the member key as {@code
 * scheduled_restart}, carried out at its time on a timer thread of its own, cancelled by {@code
 * DELETE /restart}. Kept in memory, as Patroni keeps it: an agent restart forgets it.
 */
final class ScheduledRestarts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledRestarts.class);

  private final String name;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private RestartRequest pending;
  private ScheduledFuture<?> future;

  ScheduledRestarts(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-scheduled-restart-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Schedules {@code request} (which has a schedule); at its time {@code restart} runs with the
   * request's conditions. Returns false when another restart is already scheduled.
   */
  synchronized boolean schedule(RestartRequest request, Consumer<RestartRequest> restart) {
    OffsetDateTime at = request.schedule().orElseThrow();
    if (pending != null) {
      return false;
    }
    long delayMillis = Math.max(0, Duration.between(OffsetDateTime.now(clock), at).toMillis());
    pending = request;
    future = timer.schedule(() -> runDue(request, restart), delayMillis, TimeUnit.MILLISECONDS);
    LOG.info("[{}] restart scheduled at {}", name, at);
    return true;
  }

  /** Cancels the scheduled restart; false when none is scheduled. */
  synchronized boolean cancel() {
    if (pending == null) {
      return false;
    }
    future.cancel(false);
    LOG.info("[{}] scheduled restart at {} cancelled", name, pending.schedule().orElseThrow());
    pending = null;
    future = null;
    return true;
  }

  /** Patroni's {@code scheduled_restart} of the member key; empty when none is scheduled. */
  synchronized Optional<Map<String, Object>> memberField() {
    if (pending == null) {
      return Optional.empty();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schedule", pending.schedule().orElseThrow().toString());
    pending.role().ifPresent(r -> m.put("role", r.wireName()));
    pending.postgresVersion().ifPresent(v -> m.put("postgres_version", versionText(v)));
    pending.timeout().ifPresent(t -> m.put("timeout", t.toSeconds()));
    if (pending.restartPending()) {
      m.put("restart_pending", true);
    }
    return Optional.of(m);
  }

  /** 150002 → "15.2", 90624 → "9.6.24", as Patroni keeps the version asked for. */
  static String versionText(int serverVersionNum) {
    int major = serverVersionNum / 10000;
    if (major >= 10) {
      return major + "." + serverVersionNum % 10000;
    }
    return major + "." + serverVersionNum / 100 % 100 + "." + serverVersionNum % 100;
  }

  private void runDue(RestartRequest request, Consumer<RestartRequest> restart) {
    synchronized (this) {
      if (pending != request) {
        return;
      }
    }
    try {
      LOG.info("[{}] scheduled restart at {}", name, request.schedule().orElseThrow());
      restart.accept(request.withoutSchedule());
    } catch (RuntimeException e) {
      LOG.warn("[{}] scheduled restart failed", name, e);
    } finally {
      synchronized (this) {
        if (pending == request) {
          pending = null;
          future = null;
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
