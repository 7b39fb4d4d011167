package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timelines and their history over SQL: this server's, a leader's (read as the rewind role), and
 * what a running standby has replayed, for the role changes to compare.
 */
final class TimelineQueries {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineQueries.class);
  private static final Duration LEADER_PROMOTION_WAIT = Duration.ofSeconds(3);

  /** The leader's timeline, history and system identifier. */
  record LeaderTimeline(int timeline, TimelineHistory history, String systemIdentifier) {}

  private final PostgresConfig config;
  private final LocalSql sql;

  TimelineQueries(PostgresConfig config, LocalSql sql) {
    this.config = config;
    this.sql = sql;
  }

  static int currentTimeline(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
      rs.next();
      return Integer.parseInt(rs.getString(1).substring(0, 8), 16);
    }
  }

  static String readHistory(Connection c, int timeline) throws SQLException {
    if (timeline <= 1) {
      return "";
    }
    try (PreparedStatement p = c.prepareStatement("SELECT pg_read_binary_file(?)")) {
      p.setString(1, TimelineHistory.fileName(timeline));
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return new String(rs.getBytes(1), StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * @throws PostgresControlException SQL_FAILED when the leader cannot be asked, WRONG_STATE when
   *     it is not promoted yet
   */
  LeaderTimeline leaderTimeline(Upstream leader) {
    try (Connection c = sql.connect(leader.host(), leader.port(), config.rewind(), 10)) {
      awaitPromoted(c, leader);
      int timeline = currentTimeline(c);
      String systemIdentifier;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
        rs.next();
        systemIdentifier = rs.getString(1);
      }
      return new LeaderTimeline(
          timeline, TimelineHistory.parse(readHistory(c, timeline)), systemIdentifier);
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.SQL_FAILED,
          "cannot read the timeline of the new leader "
              + leader
              + " as "
              + config.rewind().name()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A new leader publishes its key before its promotion has finished, so a replica quick to follow
   * may find it still in recovery for a moment: wait that moment out rather than fail the follow
   * and retry a whole loop later.
   */
  private static void awaitPromoted(Connection c, Upstream leader) throws SQLException {
    long deadline = Deadlines.deadline(LEADER_PROMOTION_WAIT);
    while (true) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return;
        }
      }
      if (Deadlines.passed(deadline)) {
        throw new PostgresControlException(
            Kind.WRONG_STATE,
            "the new leader "
                + leader
                + " is still in recovery (not promoted) after "
                + LEADER_PROMOTION_WAIT.toMillis()
                + " ms");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PostgresControlException(
            Kind.WRONG_STATE, "interrupted while the new leader " + leader + " was promoting");
      }
    }
  }

  /** The process id of this standby's WAL receiver; empty when none runs or it cannot be read. */
  Optional<Integer> walReceiverPid() {
    try (Connection c = sql.connect(10);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_wal_receiver")) {
      if (rs.next()) {
        int pid = rs.getInt(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(pid);
      }
      return Optional.empty();
    } catch (SQLException e) {
      LOG.warn(
          "{}: cannot read the WAL receiver (pg_stat_wal_receiver): {}",
          config.name(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Waits until the WAL receiver with process id {@code pid} has exited, at most {@code timeout};
   * false when it still runs then. WAL stops arriving from its sender once it has.
   */
  boolean awaitWalReceiverGone(int pid, Duration timeout) {
    long deadline = Deadlines.deadline(timeout);
    while (walReceiverPid().filter(p -> p == pid).isPresent()) {
      if (Deadlines.passed(deadline)) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * The timeline and WAL position this standby has replayed (or received on that timeline), as
   * {@code IDENTIFY_SYSTEM} on a replication connection reports them (the SQL functions do not tell
   * the replay timeline), shaped as the control data of a cleanly stopped standby. Empty when it
   * cannot be read.
   */
  Optional<ControlData> standbyPosition() {
    try (Connection c = sql.connectForReplication();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      rs.next();
      int timeline = rs.getInt("timeline");
      Lsn position = Lsn.parse(rs.getString("xlogpos"));
      return Optional.of(
          new ControlData(
              "shut down in recovery",
              timeline,
              position,
              position,
              timeline,
              rs.getString("systemid")));
    } catch (SQLException | RuntimeException e) {
      LOG.warn(
          "{}: cannot read the standby's replay timeline (IDENTIFY_SYSTEM): {}",
          config.name(),
          e.getMessage());
      return Optional.empty();
    }
  }
}
