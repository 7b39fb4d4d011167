package io.pgha.core.agent;

import java.time.Duration;

/**
 * How long each PostgreSQL action may take. Long actions (bootstrap, clone) run on the loop thread;
 * the lease keeps itself alive on its own thread meanwhile, so they do not endanger leadership.
 */
record AgentTimeouts(
    Duration bootstrap,
    Duration cloning,
    Duration start,
    Duration stop,
    Duration promote,
    Duration rejoin,
    Duration peerProbe) {

  /** Defaults scaled to {@code retry_timeout}, for peers, and generous for data copies. */
  static AgentTimeouts defaults(Duration retryTimeout) {
    return new AgentTimeouts(
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        Duration.ofMinutes(10),
        retryTimeout.compareTo(Duration.ofSeconds(2)) < 0 ? retryTimeout : Duration.ofSeconds(2));
  }
}
