package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Leader;
import io.pgha.patroni.Role;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain around a planned hand-over (switchover, clean stop of the leader): announce it in etcd
 * so that pgha-jdbc clients hold new write transactions back, let the transactions in flight end,
 * end the sessions still inside one at the deadline, and withdraw the announcement only once the
 * successor runs as primary — so that no client sends a write to a server that cannot take it. A
 * client that misses the announcement (HAProxy, other drivers) sees what Patroni's switchover does
 * to it: its connection ends when PostgreSQL stops.
 */
final class ClientDrain {
  private static final Logger LOG = LoggerFactory.getLogger(ClientDrain.class);
  private static final long POLL_MILLIS = 20;
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private volatile boolean announced;

  ClientDrain(String name, Dcs dcs, PostgresController postgres) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
  }

  /**
   * Drains, within {@code timeout}; never fails: a hand-over must not be stopped by a drain that
   * could not be announced or watched.
   *
   * @param successor the member expected to lead next, or null
   * @param handOver how long the hand-over after the drain may take: clients hold writes back for
   *     at most {@code timeout + handOver}
   * @return whether a drain was announced (then call {@link #endOnceLed} or {@link #end})
   */
  boolean drain(String successor, Duration timeout, Duration handOver) {
    if (timeout.isZero() || timeout.isNegative()) {
      return false;
    }
    long start = System.nanoTime();
    try {
      if (!dcs.announceDrain(successor, timeout.plus(handOver))) {
        LOG.info("[{}] not draining: I do not hold the leader key", name);
        return false;
      }
      announced = true;
    } catch (DcsException e) {
      LOG.warn(
          "[{}] could not announce the drain, handing over without it: {}", name, e.getMessage());
      return false;
    }
    long deadline = start + timeout.toNanos();
    // Clients learn of the drain through their etcd watch, a few milliseconds after it is written
    // (more on a loaded host); until then they may still start transactions here. Only a count
    // taken after that settles says the drain is complete.
    long settled = start + Math.min(timeout.toNanos() / 4, SETTLE_NANOS);
    try {
      int open = postgres.applicationTransactions();
      while ((open > 0 || System.nanoTime() - settled < 0) && System.nanoTime() - deadline < 0) {
        Thread.sleep(POLL_MILLIS);
        open = postgres.applicationTransactions();
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (open > 0) {
        int ended = postgres.terminateApplicationSessions();
        LOG.warn(
            "[{}] drain deadline ({} ms) passed with {} application transaction(s) open;"
                + " ended {} session(s)",
            name,
            timeout.toMillis(),
            open,
            ended);
      } else {
        LOG.info("[{}] drained: no application transaction open after {} ms", name, tookMillis);
      }
    } catch (PostgresControlException e) {
      LOG.warn("[{}] could not watch application transactions: {}", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /**
   * Waits until another member — {@code successor} if named — holds the leader key and reports
   * itself primary, at most {@code timeout}; then withdraws the announcement. Nothing when no drain
   * is announced.
   */
  void endOnceLed(String successor, Duration timeout) {
    if (!announced) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() - deadline < 0 && mayStillBeLed(dcs.view(), name, successor)) {
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      end();
    }
  }

  /**
   * Not led yet, but another member is there that may take over: one that runs and may fail over,
   * in a cluster that is not paused. Waiting for anyone else would hold a clean stop for the whole
   * ttl (a paused cluster elects no one: Patroni's features stop the paused leader).
   */
  static boolean mayStillBeLed(ClusterView view, String me, String successor) {
    if (view.effectiveConfig().pause()) {
      return false;
    }
    boolean candidates =
        view.members().values().stream()
            .anyMatch(m -> !m.name().equals(me) && m.isRunning() && !m.tags().noFailover());
    return candidates && !isLed(view, me, successor);
  }

  private static boolean isLed(ClusterView view, String me, String successor) {
    return view.leader()
        .map(Leader::name)
        .filter(leader -> !leader.equals(me))
        .filter(leader -> successor == null || leader.equals(successor))
        .flatMap(view::member)
        .filter(m -> m.role() == Role.PRIMARY)
        .isPresent();
  }

  /**
   * Withdraws the announcement (its lease would end it too, later); nothing when none is announced.
   */
  void end() {
    if (!announced) {
      return;
    }
    announced = false;
    try {
      dcs.clearDrain();
    } catch (DcsException e) {
      LOG.info(
          "[{}] could not withdraw the drain; it ends with my lease: {}", name, e.getMessage());
    }
  }
}
