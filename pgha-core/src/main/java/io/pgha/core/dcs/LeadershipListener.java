package io.pgha.core.dcs;

/**
 * Told when this member must stop acting as leader: its lease deadline passed without a confirmed
 * renewal, etcd says the lease is gone, or the leader key now names someone else. Called at most
 * once per period of leadership, on the lease thread: it must return quickly (hand the work to the
 * HA loop), because the clock is already running.
 */
@FunctionalInterface
public interface LeadershipListener {
  /**
   * @param reason one plain sentence
   * @param atNanos when the loss was detected ({@link System#nanoTime()})
   */
  void leadershipLost(String reason, long atNanos);
}
