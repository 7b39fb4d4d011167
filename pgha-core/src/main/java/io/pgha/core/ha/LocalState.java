package io.pgha.core.ha;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What this member knows about itself at the start of a cycle: its PostgreSQL, its own lease, how
 * fresh its view of etcd is, and what the fencing checks last said. Gathered by the loop; instants
 * are {@link System#nanoTime()} readings, never wall-clock time.
 *
 * @param dataDirectoryEmpty no PostgreSQL data directory yet (nothing to start)
 * @param systemIdentifier the data directory's database system identifier, when there is one
 * @param running the postmaster is up and accepts connections
 * @param inRecovery PostgreSQL runs as a standby ({@code pg_is_in_recovery()}); meaningless when
 *     not running
 * @param timeline current timeline (0 when unknown)
 * @param walPosition our WAL position as an integer LSN: the write position on a primary, the
 *     furthest of received and replayed on a replica (0 when unknown)
 * @param lastRunAsPrimary the data directory was last used read-write (pg_controldata says {@code
 *     in production} or {@code shut down}), so joining another leader may need pg_rewind
 * @param stoppedTimeline while the postmaster does not run: the timeline its data directory reached
 *     (pg_controldata: the latest checkpoint's, or the minimum recovery end's on a standby when
 *     later); 0 when unknown or while it runs
 * @param postgresDownSinceNanos when the loop first saw PostgreSQL down although it should run (a
 *     crash, or not started yet); empty while it runs
 * @param following the member the replica streams from (primary_conninfo), when it streams
 * @param rejoinFailed the last attempt to rejoin as a replica (pg_rewind) failed
 * @param leaseDeadlineNanos the latest instant at which our etcd lease may still be alive, minus
 *     the safety margin, as computed by the lease from its last confirmed keep-alive; empty when we
 *     hold no lease
 * @param viewConfirmedAtNanos when the cluster view was last known to match etcd (a watch event, a
 *     progress notification or a read)
 * @param failsafeConfirmedUntilNanos failsafe mode, on a leader: until when every member's last
 *     confirmation over the API lets it stay primary without etcd; empty when there is none
 * @param failsafeContact failsafe mode, on a replica: the last leader heartbeat this member
 *     accepted over the API
 * @param failsafeRefusal failsafe mode, on a leader: why a member did not confirm it over the API
 *     while etcd did not confirm its lease; cleared once etcd confirms a renewal sent after that
 * @param postmasterStarting the postmaster runs but does not accept connections yet (starting,
 *     crash recovery)
 * @param etcdReadFailed this cycle tried to read the view from etcd and could not: the view is the
 *     watched cache as it stood, which may be behind etcd (it is unfit to plan the {@code sync} key
 *     from). False when the read succeeded, and in a cycle that decided on the watched view without
 *     reading (the HA loop acts on such a decision only when it changes nothing: {@link
 *     Decision#isSteady()})
 * @param promotionRefusal the last promotion the fencing checks cancelled
 * @param standbys on a primary: its WAL senders, each with the position since which it is known
 *     synchronous
 * @param synchronousStandbyNames what {@code synchronous_standby_names} says now
 * @param slots on a running server with {@code use_slots}: its physical replication slots
 * @param leaderLease on a synchronous standby with the fast takeover on: what it last read of the
 *     leader's lease; empty when it does not watch it
 * @param replayLagBytes on a replica: how much received WAL is not replayed yet (0 when unknown)
 * @param reinitializeRequested an operator asked to throw this member's data directory away and
 *     clone it again ({@code POST /reinitialize}); the request lives for this cycle only
 * @param leaderKeyVacatedUntilNanos this member led until its leader key was deleted (not taken by
 *     another member) on a lease still confirmed alive: until when it may create the key again on
 *     that lease without a fence; empty otherwise
 */
public record LocalState(
    boolean dataDirectoryEmpty,
    Optional<String> systemIdentifier,
    boolean running,
    boolean inRecovery,
    int timeline,
    long walPosition,
    boolean lastRunAsPrimary,
    int stoppedTimeline,
    OptionalLong postgresDownSinceNanos,
    Optional<String> following,
    boolean rejoinFailed,
    OptionalLong leaseDeadlineNanos,
    long viewConfirmedAtNanos,
    OptionalLong failsafeConfirmedUntilNanos,
    Optional<FailsafeContact> failsafeContact,
    Optional<String> failsafeRefusal,
    boolean postmasterStarting,
    boolean etcdReadFailed,
    Optional<PromotionRefusal> promotionRefusal,
    List<StandbyConnection> standbys,
    StandbyNames synchronousStandbyNames,
    Optional<SlotsSeen> slots,
    Optional<LeaderLease> leaderLease,
    long replayLagBytes,
    boolean reinitializeRequested,
    OptionalLong leaderKeyVacatedUntilNanos) {

  public LocalState {
    systemIdentifier = Objects.requireNonNullElse(systemIdentifier, Optional.empty());
    postgresDownSinceNanos =
        Objects.requireNonNullElse(postgresDownSinceNanos, OptionalLong.empty());
    following = Objects.requireNonNullElse(following, Optional.empty());
    leaseDeadlineNanos = Objects.requireNonNullElse(leaseDeadlineNanos, OptionalLong.empty());
    failsafeConfirmedUntilNanos =
        Objects.requireNonNullElse(failsafeConfirmedUntilNanos, OptionalLong.empty());
    failsafeContact = Objects.requireNonNullElse(failsafeContact, Optional.empty());
    failsafeRefusal = Objects.requireNonNullElse(failsafeRefusal, Optional.empty());
    promotionRefusal = Objects.requireNonNullElse(promotionRefusal, Optional.empty());
    standbys = List.copyOf(Objects.requireNonNullElse(standbys, List.of()));
    synchronousStandbyNames =
        Objects.requireNonNullElse(synchronousStandbyNames, StandbyNames.none());
    slots = Objects.requireNonNullElse(slots, Optional.empty());
    leaderLease = Objects.requireNonNullElse(leaderLease, Optional.empty());
    leaderKeyVacatedUntilNanos =
        Objects.requireNonNullElse(leaderKeyVacatedUntilNanos, OptionalLong.empty());
  }

  /** A builder starting from "nothing here yet": empty data directory, PostgreSQL not running. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this state. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** PostgreSQL runs and accepts writes. */
  public boolean isReadWrite() {
    return running && !inRecovery;
  }

  /** PostgreSQL runs as a standby. */
  public boolean isReplica() {
    return running && inRecovery;
  }

  /** Mutable builder for {@link LocalState}. */
  public static final class Builder {
    private boolean dataDirectoryEmpty = true;
    private Optional<String> systemIdentifier = Optional.empty();
    private boolean running;
    private boolean inRecovery;
    private int timeline;
    private long walPosition;
    private boolean lastRunAsPrimary;
    private int stoppedTimeline;
    private OptionalLong postgresDownSinceNanos = OptionalLong.empty();
    private Optional<String> following = Optional.empty();
    private boolean rejoinFailed;
    private OptionalLong leaseDeadlineNanos = OptionalLong.empty();
    private long viewConfirmedAtNanos;
    private OptionalLong failsafeConfirmedUntilNanos = OptionalLong.empty();
    private Optional<FailsafeContact> failsafeContact = Optional.empty();
    private Optional<String> failsafeRefusal = Optional.empty();
    private boolean postmasterStarting;
    private boolean etcdReadFailed;
    private Optional<PromotionRefusal> promotionRefusal = Optional.empty();
    private List<StandbyConnection> standbys = List.of();
    private StandbyNames synchronousStandbyNames = StandbyNames.none();
    private Optional<SlotsSeen> slots = Optional.empty();
    private Optional<LeaderLease> leaderLease = Optional.empty();
    private long replayLagBytes;
    private boolean reinitializeRequested;
    private OptionalLong leaderKeyVacatedUntilNanos = OptionalLong.empty();

    private Builder() {}

    private Builder(LocalState s) {
      dataDirectoryEmpty = s.dataDirectoryEmpty;
      systemIdentifier = s.systemIdentifier;
      running = s.running;
      inRecovery = s.inRecovery;
      timeline = s.timeline;
      walPosition = s.walPosition;
      lastRunAsPrimary = s.lastRunAsPrimary;
      stoppedTimeline = s.stoppedTimeline;
      postgresDownSinceNanos = s.postgresDownSinceNanos;
      following = s.following;
      rejoinFailed = s.rejoinFailed;
      leaseDeadlineNanos = s.leaseDeadlineNanos;
      viewConfirmedAtNanos = s.viewConfirmedAtNanos;
      failsafeConfirmedUntilNanos = s.failsafeConfirmedUntilNanos;
      failsafeContact = s.failsafeContact;
      failsafeRefusal = s.failsafeRefusal;
      postmasterStarting = s.postmasterStarting;
      etcdReadFailed = s.etcdReadFailed;
      promotionRefusal = s.promotionRefusal;
      standbys = s.standbys;
      synchronousStandbyNames = s.synchronousStandbyNames;
      slots = s.slots;
      leaderLease = s.leaderLease;
      replayLagBytes = s.replayLagBytes;
      reinitializeRequested = s.reinitializeRequested;
      leaderKeyVacatedUntilNanos = s.leaderKeyVacatedUntilNanos;
    }

    public Builder dataDirectoryEmpty(boolean v) {
      dataDirectoryEmpty = v;
      return this;
    }

    public Builder systemIdentifier(String v) {
      systemIdentifier = Optional.ofNullable(v);
      return this;
    }

    public Builder running(boolean v) {
      running = v;
      return this;
    }

    public Builder inRecovery(boolean v) {
      inRecovery = v;
      return this;
    }

    public Builder timeline(int v) {
      timeline = v;
      return this;
    }

    public Builder walPosition(long v) {
      walPosition = v;
      return this;
    }

    public Builder lastRunAsPrimary(boolean v) {
      lastRunAsPrimary = v;
      return this;
    }

    public Builder stoppedTimeline(int v) {
      stoppedTimeline = v;
      return this;
    }

    public Builder postgresDownSinceNanos(long v) {
      postgresDownSinceNanos = OptionalLong.of(v);
      return this;
    }

    public Builder postgresUp() {
      postgresDownSinceNanos = OptionalLong.empty();
      return this;
    }

    public Builder following(String v) {
      following = Optional.ofNullable(v);
      return this;
    }

    public Builder rejoinFailed(boolean v) {
      rejoinFailed = v;
      return this;
    }

    public Builder leaseDeadlineNanos(long v) {
      leaseDeadlineNanos = OptionalLong.of(v);
      return this;
    }

    public Builder noLease() {
      leaseDeadlineNanos = OptionalLong.empty();
      return this;
    }

    public Builder viewConfirmedAtNanos(long v) {
      viewConfirmedAtNanos = v;
      return this;
    }

    public Builder failsafeConfirmedUntilNanos(long v) {
      failsafeConfirmedUntilNanos = OptionalLong.of(v);
      return this;
    }

    public Builder failsafeContact(FailsafeContact v) {
      failsafeContact = Optional.ofNullable(v);
      return this;
    }

    public Builder failsafeRefusal(String why) {
      failsafeRefusal = Optional.ofNullable(why);
      return this;
    }

    public Builder postmasterStarting(boolean v) {
      postmasterStarting = v;
      return this;
    }

    public Builder etcdReadFailed(boolean v) {
      etcdReadFailed = v;
      return this;
    }

    public Builder promotionRefusal(PromotionRefusal v) {
      promotionRefusal = Optional.ofNullable(v);
      return this;
    }

    public Builder standbys(List<StandbyConnection> v) {
      standbys = v;
      return this;
    }

    public Builder synchronousStandbyNames(StandbyNames v) {
      synchronousStandbyNames = v;
      return this;
    }

    public Builder slots(SlotsSeen v) {
      slots = Optional.ofNullable(v);
      return this;
    }

    public Builder leaderLease(LeaderLease v) {
      leaderLease = Optional.ofNullable(v);
      return this;
    }

    public Builder replayLagBytes(long v) {
      replayLagBytes = v;
      return this;
    }

    public Builder reinitializeRequested(boolean v) {
      reinitializeRequested = v;
      return this;
    }

    public Builder leaderKeyVacatedUntilNanos(long v) {
      leaderKeyVacatedUntilNanos = OptionalLong.of(v);
      return this;
    }

    public LocalState build() {
      return new LocalState(
          dataDirectoryEmpty,
          systemIdentifier,
          running,
          inRecovery,
          timeline,
          walPosition,
          lastRunAsPrimary,
          stoppedTimeline,
          postgresDownSinceNanos,
          following,
          rejoinFailed,
          leaseDeadlineNanos,
          viewConfirmedAtNanos,
          failsafeConfirmedUntilNanos,
          failsafeContact,
          failsafeRefusal,
          postmasterStarting,
          etcdReadFailed,
          promotionRefusal,
          standbys,
          synchronousStandbyNames,
          slots,
          leaderLease,
          replayLagBytes,
          reinitializeRequested,
          leaderKeyVacatedUntilNanos);
    }
  }
}
