package io.pgha.core.ha;

/**
 * What the executor is asked to do; {@link Action} adds the member an action is about, what it
 * carries out (a {@link Action.Payload}) and what to do when it fails. Each kind does one thing and
 * reports whether it succeeded; which kinds follow which, and what comes after a failure, is the
 * decision's.
 */
public enum ActionKind {
  /**
   * Race for the {@code initialize} key; the winner runs initdb, starts PostgreSQL as the primary
   * and writes the new system identifier to the key. Fails when another member won the race (and,
   * after a failed initdb, gives the key up for another member to try).
   */
  BOOTSTRAP(false),
  /**
   * After {@link #BOOTSTRAP} and {@link #ACQUIRE_LEADER}: write the bootstrap configuration to the
   * {@code config} key (only if absent) and record this member as the new cluster's primary.
   */
  WRITE_INITIAL_CONFIG(false),
  /**
   * Race for the {@code initialize} key with the system identifier of the data directory already
   * here (a cluster brought under pgha); fails when another member initialized the cluster first.
   */
  ADOPT_EXISTING_DATA(false),
  /**
   * A standby cluster's bootstrap: race for the {@code initialize} key; the winner copies the
   * primary cluster's primary the {@link PrimaryCluster} names (pg_basebackup), starts it as its
   * standby and writes the system identifier to the key. Fails when another member won the race
   * (and, after a failed copy, gives the key up for another member to try).
   */
  BOOTSTRAP_STANDBY(false),
  /**
   * Start the stopped PostgreSQL read-only as the standby leader, following the {@link
   * StandbyCluster}'s primary cluster.
   */
  START_AS_STANDBY_LEADER(false),
  /** Point the running standby leader at the {@link PrimaryCluster}'s primary cluster. */
  FOLLOW_PRIMARY_CLUSTER(false),
  /**
   * Create this member's data directory as a copy of the member named, with the replica methods in
   * order (pg_basebackup by default).
   */
  CLONE_FROM(true),
  /**
   * Create this member's data directory while the cluster has no leader, with the replica methods
   * that work without one (Patroni's {@code no_leader}: a restore from a backup repository).
   */
  CLONE_WITHOUT_LEADER(false),
  /** Take the free leader key (create only if absent); fails when another member has it. */
  ACQUIRE_LEADER(false),
  /**
   * Take over from the silent leader named, before its lease expires: in one etcd transaction,
   * compare the leader key's and the {@code sync} key's mod revisions with the {@link Takeover}'s,
   * put the leader key on our lease and rewrite the {@code sync} key as ours with no standby.
   * Fails, changing nothing, when either key changed since (a lost race, a leader that acted).
   */
  FAST_TAKEOVER(true),
  /** Keep leading: confirm the leader key is ours and on our lease; fails when etcd does not. */
  RENEW(false),
  /**
   * Right before promoting, Patroni's fencing beyond the lease: arm the watchdog, then run {@code
   * pre_promote}; fails (the watchdog disarmed) when either refuses.
   */
  PROMOTION_GATE(false),
  /**
   * Carry out a {@link SyncPlan}'s steps in order; fails when a step fails (a compare-and-swap on
   * the {@code sync} key included). When the plan names new standbys in {@code
   * synchronous_standby_names}, it watches them for up to two seconds and carries out the next step
   * {@link SynchronousReplication#next} gives as soon as one is synchronous, so that the key names
   * a synchronous standby within the cycle.
   */
  SYNC_REPLICATION(false),
  /**
   * Promote PostgreSQL (running as a replica) to primary, publish our member key the moment it
   * accepts writes and record the timeline switch in {@code history}. Fails, without promoting,
   * when etcd no longer confirms our leader lease (time passes between the observation and this
   * step).
   */
  PROMOTE(false),
  /**
   * Start the next cycle at once instead of after {@code loop_wait}: what a new primary keeps
   * (replication slots, synchronous standbys, the {@code status} key) is decided from what it is
   * now.
   */
  DECIDE_AGAIN(false),
  /**
   * Start the leader's stopped PostgreSQL in place as the primary; fails, without starting it, when
   * etcd no longer confirms our leader lease.
   */
  RESTART_POSTGRES(false),
  /**
   * The postmaster runs but does not accept connections yet (starting, crash recovery): wait for
   * it, at most the start timeout.
   */
  AWAIT_STARTUP(false),
  /** Give the leader key up (delete it only if it is still ours); fails when it is not ours. */
  RELEASE_LEADERSHIP(false),
  /** Stop accepting writes at once: PostgreSQL must not run read-write without a live lease. */
  DEMOTE(false),
  /** Start the stopped PostgreSQL read-only, streaming from the member named, or from no one. */
  START_AS_REPLICA(true),
  /**
   * Point the running replica at the member named (primary_conninfo); when the {@link UpstreamRole}
   * says it is the leader, rejoin instead if our histories diverged.
   */
  FOLLOW(true),
  /**
   * Rejoin as a replica of the member named: stop if running, pg_rewind when the history diverged,
   * start following; announce the demotion when the {@link Rejoin} names one.
   */
  REWIND_AND_FOLLOW(true),
  /** Stop PostgreSQL if it runs, delete the data directory and clone it again from the member. */
  REINITIALIZE(true),
  /**
   * Before a hand-over: announce the drain in etcd (pgha-jdbc clients hold new writes back) and
   * wait, at most {@code drain_timeout}, for the transactions in flight to end, naming the member
   * expected to lead next. Never fails: a hand-over is not stopped by a drain.
   */
  DRAIN_CLIENTS(true),
  /**
   * Stop PostgreSQL with a fast shutdown, which writes the shutdown checkpoint and waits for the
   * connected WAL senders to send it.
   */
  STOP_CLEANLY(false),
  /**
   * Switchover, after {@link #STOP_CLEANLY}: read the shutdown checkpoint, wait at most {@code
   * retry_timeout} until the member named (the candidate) has received WAL past it, then publish it
   * as the leader's last position in the {@code status} key. Fails when PostgreSQL did not shut
   * down cleanly or the candidate has not received every commit.
   */
  HAND_OVER(true),
  /** Withdraw the drain this cycle announced (nothing when none was). */
  END_DRAIN(false),
  /**
   * Withdraw the drain this cycle announced once the member named leads as primary (at most {@code
   * ttl}).
   */
  END_DRAIN_ONCE_LED(true),
  /** Clear the {@code failover} key (compare-and-swap on its revision). */
  CLEAR_FAILOVER_KEY(false),
  /**
   * Replication slots: create and drop those in the {@link SlotPlan}, and on a replica move its
   * copies of the permanent logical slots forward (in the background: the loop does not wait for
   * it).
   */
  REPLICATION_SLOTS(false),
  /**
   * On a replica: copy the permanent logical slots the {@link LogicalSlotCopy} names from the
   * leader named (their state files, read over SQL), which needs PostgreSQL stopped: stop it
   * (fast), install the copies, start it again following as before. Fails, changing nothing, when
   * this server's {@code wal_level} is not {@code logical} (PostgreSQL would not start with a
   * logical slot) or the leader cannot be read.
   */
  COPY_LOGICAL_SLOTS(true),
  /** Write (or delete, when empty) the {@code failsafe} key: the {@link FailsafeKey}. */
  FAILSAFE_KEY(false),
  /**
   * The leader found no {@code config} key (it adopted a data directory, or an operator deleted the
   * key): write this member's bootstrap configuration to it, only if it is still absent, as
   * Patroni's leader does. Changes nothing else (no role, no event). Succeeds when the key exists
   * afterwards, whoever wrote it.
   */
  WRITE_MISSING_CONFIG(false),
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
