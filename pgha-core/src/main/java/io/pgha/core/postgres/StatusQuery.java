package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The SQL behind {@link PostgresController#probe()}. */
final class StatusQuery {

  // Functions that fail in the wrong role sit behind CASE, which PostgreSQL evaluates lazily.
  private static final String SERVER =
      "SELECT pg_is_in_recovery(),"
          + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,"
          + " pg_last_wal_receive_lsn()::text,"
          + " pg_last_wal_replay_lsn()::text,"
          + " CASE WHEN pg_is_in_recovery() THEN NULL"
          + "   ELSE pg_walfile_name(pg_current_wal_lsn()) END,"
          + " (SELECT received_tli FROM pg_stat_wal_receiver),"
          + " (SELECT status FROM pg_stat_wal_receiver),"
          + " (SELECT timeline_id FROM pg_control_checkpoint()),"
          + " CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END,"
          + " pg_postmaster_start_time(),"
          + " current_setting('server_version_num')::int,"
          + " (SELECT system_identifier::text FROM pg_control_system()),"
          + " EXISTS (SELECT 1 FROM pg_settings WHERE pending_restart),"
          + " CASE WHEN pg_is_in_recovery() THEN pg_last_xact_replay_timestamp() END,"
          + " coalesce(current_setting('restore_command', true), '') <> ''";

  private static final String REPLICATION =
      "SELECT pid, usename, application_name, client_addr::text, state, sync_state,"
          + " sync_priority, sent_lsn::text, flush_lsn::text, replay_lsn::text"
          + " FROM pg_stat_replication ORDER BY application_name, pid";

  private StatusQuery() {}

  static PostgresStatus read(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      List<ReplicationConnection> replication = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(REPLICATION)) {
        while (rs.next()) {
          replication.add(
              new ReplicationConnection(
                  rs.getInt(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getInt(7),
                  Lsn.parseNullable(rs.getString(8)),
                  Lsn.parseNullable(rs.getString(9)),
                  Lsn.parseNullable(rs.getString(10))));
        }
      }
      try (ResultSet rs = s.executeQuery(SERVER)) {
        rs.next();
        boolean inRecovery = rs.getBoolean(1);
        String walFile = rs.getString(5);
        Integer receivedTimeline = (Integer) rs.getObject(6);
        int checkpointTimeline = rs.getInt(8);
        Integer timeline =
            walFile != null
                ? Integer.valueOf(Integer.parseInt(walFile.substring(0, 8), 16))
                : receivedTimeline != null && receivedTimeline > 0
                    ? receivedTimeline
                    : checkpointTimeline;
        return new PostgresStatus(
            inRecovery ? ServerState.STANDBY : ServerState.PRIMARY,
            timeline,
            Lsn.parseNullable(rs.getString(2)),
            Lsn.parseNullable(rs.getString(3)),
            Lsn.parseNullable(rs.getString(4)),
            rs.getString(7),
            (Boolean) rs.getObject(9),
            replication,
            rs.getObject(10, OffsetDateTime.class),
            rs.getInt(11),
            rs.getString(12),
            rs.getBoolean(13),
            rs.getObject(14, OffsetDateTime.class),
            inRecovery ? Boolean.valueOf(rs.getBoolean(15)) : null);
      }
    }
  }
}
