package io.pgha.core.api;

/**
 * What the HTTP API asks the HA agent to do. Configuration changes and switchover / failover
 * requests do not come through here: the API writes them to etcd itself (as Patroni's does) and the
 * agent sees them in its cluster view.
 *
 * <p>Methods are called on API worker threads, concurrently with the HA loop; an implementation
 * hands the work to the loop (or does it under the loop's lock) and returns a result. It must not
 * throw: a failure is {@link ActionResult#failed(String)}. Long work (a restart) may block up to
 * the request's own timeout.
 */
public interface ManagementActions {

  /**
   * Restarts PostgreSQL now (200 / 503) or schedules the restart (202, or 409 if one already is).
   */
  ActionResult restart(RestartRequest request);

  /** Cancels a scheduled restart (200, or 404 if none is scheduled). */
  ActionResult cancelScheduledRestart();

  /** Re-reads the local configuration, as on SIGHUP (202). */
  ActionResult reload();

  /**
   * Throws away the local data directory and clones it again from a healthy member (200 started,
   * 503 with the reason when refused, e.g. on the leader).
   *
   * @param force cancel a running task (e.g. a start that hangs) first
   * @param fromLeader clone from the leader rather than the best replica
   */
  ActionResult reinitialize(boolean force, boolean fromLeader);

  /** Whether failsafe mode is on ({@code failsafe_mode} in the dynamic configuration). */
  boolean failsafeModeEnabled();

  /** A failsafe heartbeat from the leader (see {@link FailsafeRequest}). */
  FailsafeAnswer failsafeHeartbeat(FailsafeRequest request);

  /** Actions of a member whose agent is not running: every request fails with 503. */
  static ManagementActions unavailable() {
    return UnavailableActions.INSTANCE;
  }
}
