package io.pgha.core.dcs;

import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.SyncState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The cluster state in etcd, seen and changed by one member, with Patroni's keys and values.
 *
 * <p>Writes that may race report the race as {@code false} and never overwrite what another member
 * wrote; failures to reach etcd (including an etcd member that has lost its own leader) throw
 * {@link DcsException}. Expected-revision arguments: {@link #ANY} skips the check, {@link #ABSENT}
 * requires the key not to exist, any other value is the key's mod revision as seen in a {@link
 * ClusterView}.
 *
 * <p>All keys this member owns ({@code members/<name>}, {@code leader}) live on its own lease,
 * which is kept alive in the background and whose deadline is tracked on the monotonic clock (see
 * {@link #leaseStatus()} and {@link #holdsLeadership()}).
 */
public interface Dcs extends AutoCloseable {
  /** Skip the revision check. */
  long ANY = -1;

  /** The key must not exist. */
  long ABSENT = 0;

  /** This member's name. */
  String memberName();

  /** The key layout. */
  DcsKeys keys();

  // ------------------------------------------------------------------ view

  /** The latest snapshot kept current by the watch; never blocks. */
  ClusterView view();

  /**
   * A snapshot at least as recent as an instant after the call began (a linearizable read): the
   * watched one when etcd confirms it is current, else every key read again and installed.
   */
  ClusterView refresh() throws DcsException;

  /**
   * Which unbroken run of the watch keeps {@link #view()} current: a number that changes whenever
   * the watch ends or starts again (each start follows a read of every key, so a run has no gap),
   * negative while no watch runs (between its end and the re-read that restarts it). A view
   * confirmed by {@link #refresh()} during a run stays complete up to the newest change delivered
   * as long as the run goes on.
   */
  long watchRun();

  /** Hears about every new snapshot. Closing the result unsubscribes. */
  AutoCloseable subscribe(ClusterViewListener listener);

  /** Told when leadership is lost (see {@link LeadershipListener}). Closing unsubscribes. */
  AutoCloseable onLeadershipLost(LeadershipListener listener);

  // ------------------------------------------------------------------ lease and leader

  /** This member's lease as known now. */
  LeaseStatus leaseStatus();

  /**
   * Whether this member holds the leader key on a lease whose deadline has not passed: the only
   * condition under which it may run PostgreSQL read-write.
   */
  boolean holdsLeadership();

  /**
   * When the last lease renewal was sent ({@link System#nanoTime()}) that etcd confirmed before a
   * request, sent after that confirmation, found the leader key naming this member on that lease;
   * empty while this member does not lead. No other member can have taken the key over (fast
   * takeover included) within {@code leader_silence_timeout} of that instant, nor within the ttl
   * while {@link #fastTakeoverMayDepose()} is false: the health checks that say "I am the writable
   * leader" count on it (see fencing.md, "The health checks of a deposed leader").
   */
  OptionalLong leadershipConfirmedAtNanos();

  /**
   * Whether a fast takeover may depose this member while it leads: true unless the {@code sync}
   * key, as etcd holds it, names no synchronous standby under this member's name, and no write of
   * ours that could make it name one is in flight or of unknown outcome (see fencing.md, "A leader
   * no fast takeover can depose"). Conservative: true when in doubt.
   */
  default boolean fastTakeoverMayDepose() {
    return true;
  }

  /**
   * While this member's leader key is <em>vacated</em>: it led until the key was deleted (an
   * operator's {@code patronictl remove}; not taken by another member) on a lease etcd still
   * confirms. Until the instant returned ({@link System#nanoTime()}: the lease deadline as it stood
   * when the key was seen gone) {@link #acquireLeader()} may create the key again on that lease
   * without a fence; meanwhile {@link #holdsLeadership()} is false. Empty otherwise; past that
   * instant leadership is lost (the listeners of {@link #onLeadershipLost} are told).
   */
  OptionalLong leaderKeyVacatedUntilNanos();

  /**
   * Creates the leader key with this member's name on its lease, if nobody holds it. While the key
   * is vacated ({@link #leaderKeyVacatedUntilNanos()}), one attempt on the lease this member led
   * on: any outcome but the key ours again ends leadership (its listeners fence).
   *
   * @return true if this member holds the key afterwards
   */
  boolean acquireLeader() throws DcsException;

  /**
   * Confirms leadership: makes sure the lease was renewed within the last second (refreshing it now
   * unless the lease keeper's last confirmed renewal is that recent) and checks the key still names
   * this member, moving it onto the current lease if an earlier lease of this member holds it.
   *
   * @return true if this member still holds the key; false if etcd says the key names someone else,
   *     is gone, or the lease expired (a {@link DcsException} means etcd could not be asked)
   */
  boolean renewLeader() throws DcsException;

  /**
   * Replaces the leader key only if it is still exactly {@code expectedModRevision} (e.g. a stale
   * key of a member that bootstrapped the cluster and died): for bootstrap and recovery.
   *
   * @return true if this member holds the key afterwards
   */
  boolean takeOverLeader(long expectedModRevision) throws DcsException;

  /**
   * The fast takeover from a silent leader, in one transaction: only if the leader key still names
   * {@code leader} at {@code leaderModRevision} and the {@code sync} key is still at {@code
   * syncModRevision}, puts the leader key on this member's lease and the {@code sync} key naming
   * this member as leader with no synchronous standby.
   *
   * @return true if this member holds the key afterwards; false if either key changed (nothing was
   *     written)
   */
  boolean takeOverFromSilentLeader(String leader, long leaderModRevision, long syncModRevision)
      throws DcsException;

  /**
   * Reads how long {@code leaseId} has left ({@code LeaseTimeToLive}, no raft write), bounded by
   * the request timeout.
   */
  LeaseTimeToLive leaseTimeToLive(long leaseId) throws DcsException;

  /**
   * Deletes the leader key if it names this member, so that a replica can take over at once.
   *
   * @return true if it was deleted
   */
  boolean releaseLeader() throws DcsException;

  /**
   * Changes the lease TTL (the {@code ttl} setting changed): grants a new lease and moves this
   * member's keys onto it. A ttl etcd cannot grant (under 2 s, not whole seconds) is logged and
   * ignored: the current lease stays.
   */
  void changeTtl(Duration ttl) throws DcsException;

  /**
   * While a fast takeover may depose this member as leader ({@link #fastTakeoverMayDepose()}):
   * renews the lease on the fast path's short schedule ({@code fast}: a synchronous standby may
   * take over from a leader whose renewals stop, so they must be frequent) or on a relaxed one that
   * costs an idle agent and etcd half the calls. Otherwise the leader renews every ttl / 5 whatever
   * this says. Takes effect from the next renewal.
   */
  void renewFast(boolean fast);

  // ------------------------------------------------------------------ members

  /**
   * Publishes this member's key on its lease. Does nothing if etcd already holds exactly this
   * content on the current lease.
   *
   * @return true if a write was needed
   */
  boolean updateMember(Member member) throws DcsException;

  /** Deletes this member's key (clean shutdown). */
  void deleteMember() throws DcsException;

  // ------------------------------------------------------------------ bootstrap

  /**
   * The bootstrap race: creates {@code initialize} with {@code value} if it does not exist. Patroni
   * writes an empty value first and the system identifier once initdb succeeded.
   *
   * @return true if this member won
   */
  boolean claimInitialize(String value) throws DcsException;

  /** Sets {@code initialize} to the system identifier after a successful bootstrap. */
  boolean updateInitialize(String systemIdentifier, long expectedModRevision) throws DcsException;

  /** Deletes {@code initialize} when a bootstrap failed, so that another member may try. */
  void cancelInitialize() throws DcsException;

  // ------------------------------------------------------------------ config, failover, sync

  /**
   * Writes {@code config} if it is still at {@code expectedModRevision} ({@link #ABSENT} =
   * missing).
   */
  boolean writeConfig(DynamicConfig config, long expectedModRevision) throws DcsException;

  /** Writes {@code failover}; {@link #ANY} overwrites as patronictl does. */
  boolean writeFailover(FailoverRequest request, long expectedModRevision) throws DcsException;

  /** Deletes {@code failover} if it is still at {@code expectedModRevision}. */
  boolean clearFailover(long expectedModRevision) throws DcsException;

  /**
   * Writes {@code sync} if it is still at {@code expectedModRevision}. When it names a standby
   * under this member's name, first renews the lease and confirms leadership (throwing if it
   * cannot) and counts from then on as a leader a fast takeover may depose.
   */
  boolean writeSync(SyncState sync, long expectedModRevision) throws DcsException;

  /** Deletes {@code sync} if it is still at {@code expectedModRevision}. */
  boolean clearSync(long expectedModRevision) throws DcsException;

  // ------------------------------------------------------------------ leader-only keys

  /** Writes {@code status}, only while the leader key names this member. */
  boolean writeStatus(ClusterStatus status) throws DcsException;

  /** Writes the whole {@code history}, only while the leader key names this member. */
  boolean writeHistory(List<HistoryEntry> history) throws DcsException;

  /**
   * Appends one entry to {@code history} (read, then compare-and-swap), only while the leader key
   * names this member; with {@code keepLast} above 0 (Patroni's {@code max_timelines_history}) the
   * oldest entries beyond the latest {@code keepLast} are dropped, 0 keeps them all.
   */
  boolean appendHistory(HistoryEntry entry, int keepLast) throws DcsException;

  /** Writes {@code failsafe} (member name to API URL), only while this member leads. */
  boolean writeFailsafe(Map<String, String> members) throws DcsException;

  /** Deletes {@code failsafe}. */
  void clearFailsafe() throws DcsException;

  /**
   * Writes {@code drain} on this member's lease, only while this member leads: if the member dies
   * mid-drain, the key goes with its lease. Clients hold new write transactions back while it names
   * the leader.
   *
   * @param successor the member expected to lead next, or null when not known (clean stop)
   * @param timeout how long the drain may last; clients stop waiting after it
   * @return false when this member does not hold the leader key
   */
  boolean announceDrain(String successor, java.time.Duration timeout) throws DcsException;

  /** Deletes {@code drain}. */
  void clearDrain() throws DcsException;

  /**
   * Stops the keep-alive and the watch and closes the connection. Keys are left as they are: a
   * clean stop calls {@link #releaseLeader()} and {@link #deleteMember()} first; without that, the
   * keys disappear when the lease expires, as after a crash.
   */
  @Override
  void close();
}
