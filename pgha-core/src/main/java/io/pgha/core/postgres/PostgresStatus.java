package io.pgha.core.postgres;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What the local PostgreSQL looks like now. Unless it answered ({@link ServerState.Primary} or
 * {@link ServerState.Standby}), only {@code state} is meaningful and the other fields are null (or
 * empty).
 *
 * @param state not running, starting (running, not answering), primary or standby
 * @param timeline the timeline it writes (primary) or receives (standby)
 * @param currentLsn the current WAL write position (primary only)
 * @param receivedLsn the last WAL position received from the upstream (standby only)
 * @param replayedLsn the last WAL position replayed (standby only)
 * @param walReceiverStatus the WAL receiver's status, e.g. {@code streaming} (standby only)
 * @param replayPaused whether WAL replay is paused (standby only)
 * @param replication the WAL senders, with their sync state
 * @param postmasterStartTime when the postmaster started
 * @param serverVersion {@code server_version_num}, e.g. 150018
 * @param systemIdentifier the database system identifier
 * @param pendingRestart whether a changed parameter waits for a restart
 * @param replayedTimestamp the commit time of the last transaction replayed ({@code
 *     pg_last_xact_replay_timestamp()}; standby only, null before the first)
 * @param restoreCommandSet whether {@code restore_command} is set, so that a standby that does not
 *     stream replays from the archive (standby only)
 */
public record PostgresStatus(
    ServerState state,
    Integer timeline,
    Lsn currentLsn,
    Lsn receivedLsn,
    Lsn replayedLsn,
    String walReceiverStatus,
    Boolean replayPaused,
    List<ReplicationConnection> replication,
    OffsetDateTime postmasterStartTime,
    Integer serverVersion,
    String systemIdentifier,
    Boolean pendingRestart,
    OffsetDateTime replayedTimestamp,
    Boolean restoreCommandSet) {

  /** A status without the replay timestamp and {@code restore_command}. */
  public PostgresStatus(
      ServerState state,
      Integer timeline,
      Lsn currentLsn,
      Lsn receivedLsn,
      Lsn replayedLsn,
      String walReceiverStatus,
      Boolean replayPaused,
      List<ReplicationConnection> replication,
      OffsetDateTime postmasterStartTime,
      Integer serverVersion,
      String systemIdentifier,
      Boolean pendingRestart) {
    this(
        state,
        timeline,
        currentLsn,
        receivedLsn,
        replayedLsn,
        walReceiverStatus,
        replayPaused,
        replication,
        postmasterStartTime,
        serverVersion,
        systemIdentifier,
        pendingRestart,
        null,
        null);
  }

  /** Copies the list; a null state is refused. */
  public PostgresStatus {
    java.util.Objects.requireNonNull(state, "state");
    replication = replication == null ? List.of() : List.copyOf(replication);
  }

  /** Not running, or running without answering: nothing else is known. */
  public static PostgresStatus notAnswering(boolean running) {
    return new PostgresStatus(
        running ? ServerState.STARTING : ServerState.NOT_RUNNING,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        null,
        null,
        null,
        null);
  }

  /** Whether a postmaster runs on the data directory. */
  public boolean running() {
    return state.isRunning();
  }

  /** Whether pgha could connect and query it (a primary or a standby). */
  public boolean acceptingConnections() {
    return state.acceptsConnections();
  }

  /** Whether it answered as a primary: it takes writes. */
  public boolean isReadWrite() {
    return state.isReadWrite();
  }

  /** Whether it answered in recovery. */
  public boolean isStandby() {
    return state.isStandby();
  }

  /**
   * The furthest WAL position this server has: the write position on a primary, the larger of
   * received and replayed on a standby (what Patroni reports as {@code xlog_location}).
   */
  public Lsn walPosition() {
    if (currentLsn != null) {
      return currentLsn;
    }
    if (receivedLsn == null) {
      return replayedLsn;
    }
    return replayedLsn == null || receivedLsn.isAfter(replayedLsn) ? receivedLsn : replayedLsn;
  }

  /**
   * Patroni's {@code replication_state} of a standby: {@code streaming} while the WAL receiver
   * streams, else {@code in archive recovery} when {@code restore_command} is set; empty otherwise
   * and on a primary.
   */
  public Optional<String> replicationState() {
    if (!isStandby()) {
      return Optional.empty();
    }
    if ("streaming".equals(walReceiverStatus)) {
      return Optional.of("streaming");
    }
    return Boolean.TRUE.equals(restoreCommandSet)
        ? Optional.of("in archive recovery")
        : Optional.empty();
  }
}
