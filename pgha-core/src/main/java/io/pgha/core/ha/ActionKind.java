package io.pgha.core.ha;

/** What the executor is asked to do; {@link Action} adds the member an action is about. */
public enum ActionKind {
  /**
   * Race for the {@code initialize} key; the winner runs initdb, starts and takes the leader key.
   */
  BOOTSTRAP(false),
  /**
   * Race for the {@code initialize} key with the system identifier of the data directory already
   * here (a cluster brought under pgha), then proceed as a member with data.
   */
  ADOPT_EXISTING_DATA(false),
  /** Create this member's data directory as a copy of the member named (pg_basebackup). */
  CLONE_FROM(true),
  /**
   * Take the free leader key (create only if absent); if won, promote PostgreSQL (no-op if it
   * already runs read-write).
   */
  ACQUIRE_AND_PROMOTE(false),
  /** Keep leading: confirm the leader key is ours and on our lease, publish our status. */
  RENEW(false),
  /** We hold the leader key but PostgreSQL is a replica: promote it. */
  PROMOTE(false),
  /** Start PostgreSQL in place in the role its data has (the leader's PostgreSQL is down). */
  RESTART_POSTGRES(false),
  /**
   * Give the leader key up (delete it only if it is still ours) so that a replica can take over.
   */
  RELEASE_LEADERSHIP(false),
  /** Stop accepting writes at once: PostgreSQL must not run read-write without a live lease. */
  DEMOTE(false),
  /** Start the stopped PostgreSQL read-only, streaming from the member named, or from no one. */
  START_AS_REPLICA(true),
  /** Point the running replica at the member named (primary_conninfo). */
  FOLLOW(true),
  /**
   * Rejoin as a replica of the member named: stop if running, pg_rewind when the history diverged,
   * start following.
   */
  REWIND_AND_FOLLOW(true),
  /** Delete the data directory and clone it again from the member named. */
  REINITIALIZE(true),
  /** Hand leadership over to the member named (planned switchover). */
  SWITCHOVER(true),
  /** Clear the {@code failover} key (compare-and-swap on its revision). */
  CLEAR_FAILOVER_KEY(false),
  /** Something is pending that is not ours to do; look again next cycle. */
  WAIT(false),
  /** All is as it should be. */
  NOTHING(false);

  private final boolean aboutMember;

  ActionKind(boolean aboutMember) {
    this.aboutMember = aboutMember;
  }

  /** Whether the action is about another member (which one is in {@link Action#member()}). */
  public boolean isAboutMember() {
    return aboutMember;
  }
}
