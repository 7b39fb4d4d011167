package io.pgha.core.agent;

import io.pgha.core.agent.ActionExecutor.Run;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.PeerPosition;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresController;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of a hand-over: drain the clients ({@code DRAIN_CLIENTS}, {@code END_DRAIN},
 * {@code END_DRAIN_ONCE_LED}), stop cleanly ({@code STOP_CLEANLY}), make sure the candidate has
 * every commit ({@code HAND_OVER}) and clear the request ({@code CLEAR_FAILOVER_KEY}).
 */
final class SwitchoverSteps {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchoverSteps.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;
  private final ClientDrain drain;
  private final PeerProbe peers;

  SwitchoverSteps(
      String name,
      Dcs dcs,
      PostgresController postgres,
      EventPublisher events,
      AgentTimeouts timeouts,
      PeerProbe peers) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.events = events;
    this.timeouts = timeouts;
    this.drain = new ClientDrain(name, dcs, postgres);
    this.peers = peers;
  }

  boolean drainClients(String candidate, DynamicConfig config) {
    drain.drain(candidate, config.drainTimeoutDuration(), config.ttlDuration());
    return true;
  }

  boolean endDrain() {
    drain.end();
    return true;
  }

  boolean endDrainOnceLed(String leader, DynamicConfig config) {
    drain.endOnceLed(leader, config.ttlDuration());
    return true;
  }

  boolean stopCleanly(DynamicConfig config) {
    // A fast stop writes the shutdown checkpoint and, with WAL senders still connected, waits for
    // them to receive it; in synchronous mode, primary_stop_timeout bounds that wait.
    LOG.info("[{}] handing over: stopping PostgreSQL cleanly", name);
    postgres.stopPrimary(timeouts.stop(), config.primaryStopLimit());
    return true;
  }

  /**
   * A candidate that was not connected during the stop may not have the shutdown checkpoint: the
   * hand-over goes on only once it has received WAL past it.
   */
  boolean handOver(Run run, String candidate) throws DcsException {
    Optional<Lsn> checkpoint = postgres.shutdownCheckpoint();
    if (checkpoint.isEmpty()) {
      LOG.warn(
          "[{}] switchover to {} cancelled: PostgreSQL did not shut down cleanly, so no checkpoint"
              + " proves the candidate has every commit",
          name,
          candidate);
      return false;
    }
    if (!candidateReceived(run, candidate, checkpoint.get())) {
      LOG.warn(
          "[{}] switchover to {} cancelled: the candidate has not received every commit",
          name,
          candidate);
      return false;
    }
    // The candidate compares its position with this one before it takes the key.
    dcs.writeStatus(ClusterStatus.ofOptime(checkpoint.get().value()));
    events.publish(new AgentEvent.Demoted(name, "switchover to (" + candidate + ")"));
    return true;
  }

  /**
   * Drains before a clean stop of the leader (rolling maintenance); returns whether to call {@link
   * #endDrainOnceLed(ClusterView)} after the leader key is released.
   */
  boolean drainBeforeStop(ClusterView view) {
    return drain.drain(
        null, view.effectiveConfig().drainTimeoutDuration(), view.effectiveConfig().ttlDuration());
  }

  /** Withdraws the drain once another member leads as primary (at most ttl). */
  void endDrainOnceLed(ClusterView view) {
    drain.endOnceLed(null, view.effectiveConfig().ttlDuration());
  }

  /**
   * Waits, at most retry_timeout, until the candidate's WAL position is past {@code checkpoint}.
   */
  private boolean candidateReceived(Run run, String candidate, Lsn checkpoint) {
    DynamicConfig config = run.config();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.retryTimeout());
    long seen = -1;
    while (true) {
      Optional<PeerPosition> position = peers.position(run.view(), candidate, PROBE_TIMEOUT);
      if (position.isPresent()) {
        seen = position.get().walPosition();
        if (!position.get().primary() && seen > checkpoint.value()) {
          LOG.info(
              "[{}] {} has received the shutdown checkpoint ({}): releasing the leader key",
              name,
              candidate,
              checkpoint);
          return true;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        LOG.warn(
            "[{}] {} did not receive the shutdown checkpoint ({}) within retry_timeout ({}s);"
                + " its position is {}",
            name,
            candidate,
            checkpoint,
            config.retryTimeout(),
            seen < 0 ? "unknown (it did not answer)" : new Lsn(seen));
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  boolean clearFailover(ClusterView view) throws DcsException {
    FailoverRequest request =
        view.failover()
            .orElseThrow(() -> new IllegalStateException("there is no failover key to clear"));
    if (!dcs.clearFailover(request.modRevision())) {
      LOG.info("[{}] the failover key changed meanwhile; left as it is", name);
    }
    return true;
  }
}
