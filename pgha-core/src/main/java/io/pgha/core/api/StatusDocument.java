package io.pgha.core.api;

import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.ReplicationConnection;
import io.pgha.patroni.Role;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The status document Patroni answers health checks and {@code GET /patroni} with, built from a
 * snapshot.
 */
final class StatusDocument {
  /** Python's {@code str(datetime)}, which is how Patroni prints times in this document. */
  static final DateTimeFormatter PYTHON_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

  private StatusDocument() {}

  /**
   * The document.
   *
   * @param withAgentDetails add pgha's own fields ({@code GET /patroni} only)
   */
  static ObjectNode of(NodeSnapshot s, boolean withAgentDetails) {
    ObjectNode o = Json.object();
    PostgresStatus pg = s.postgres();
    Role role = s.effectiveRole();
    o.put("state", s.postgresState());
    if (pg.acceptingConnections()) {
      putTime(o, "postmaster_start_time", pg.postmasterStartTime());
      o.put("role", s.roleNames().of(role));
      if (pg.serverVersion() != null) {
        o.put("server_version", pg.serverVersion());
      }
      ObjectNode xlog = o.putObject("xlog");
      if (role == Role.PRIMARY) {
        putLsn(xlog, "location", pg.currentLsn());
      } else {
        putLsn(
            xlog,
            "received_location",
            pg.receivedLsn() != null ? pg.receivedLsn() : pg.replayedLsn());
        putLsn(xlog, "replayed_location", pg.replayedLsn());
        if (pg.replayedTimestamp() != null) {
          putTime(xlog, "replayed_timestamp", pg.replayedTimestamp());
        } else {
          xlog.putNull("replayed_timestamp");
        }
        xlog.put("paused", Boolean.TRUE.equals(pg.replayPaused()));
      }
      if (pg.timeline() != null) {
        o.put("timeline", pg.timeline());
      }
      HealthRules.replicationState(s).ifPresent(v -> o.put("replication_state", v));
      if (!pg.replication().isEmpty()) {
        ArrayNode senders = o.putArray("replication");
        for (ReplicationConnection r : pg.replication()) {
          ObjectNode e = senders.addObject();
          e.put("usename", r.user());
          e.put("application_name", r.applicationName());
          e.put("client_addr", r.clientAddress());
          e.put("state", r.state());
          e.put("sync_state", r.syncState());
          e.put("sync_priority", r.syncPriority());
        }
      }
      if (HealthRules.isSyncStandby(s)) {
        o.put("sync_standby", true);
      }
      if (HealthRules.isQuorumStandby(s)) {
        o.put("quorum_standby", true);
      }
    } else {
      o.put("role", s.roleNames().of(role));
    }
    if (s.paused()) {
      o.put("pause", true);
    }
    if (!s.dcsReachable() || s.cluster().isUnlocked()) {
      o.put("cluster_unlocked", true);
    }
    if (s.failsafeActive()) {
      o.put("failsafe_mode_is_active", true);
    }
    o.put("dcs_last_seen", s.dcsLastSeenEpochSeconds());
    ObjectNode tags = TagValues.json(s.tags());
    if (!tags.isEmpty()) {
      o.set("tags", tags);
    }
    String sysid = systemIdentifier(s);
    if (!sysid.isEmpty()) {
      o.put("database_system_identifier", sysid);
    }
    if (Boolean.TRUE.equals(pg.pendingRestart())) {
      o.put("pending_restart", true);
    }
    ObjectNode patroni = o.putObject("patroni");
    patroni.put("version", s.version());
    patroni.put("scope", s.scope());
    patroni.put("name", s.memberName());
    if (withAgentDetails && !s.lastDecision().isEmpty()) {
      o.put("last_decision", s.lastDecision());
    }
    return o;
  }

  static String systemIdentifier(NodeSnapshot s) {
    String fromPostgres = s.postgres().systemIdentifier();
    if (fromPostgres != null && !fromPostgres.isEmpty()) {
      return fromPostgres;
    }
    return s.cluster().initialize().orElse("");
  }

  private static void putLsn(ObjectNode o, String field, Lsn lsn) {
    o.put(field, lsn == null ? 0 : lsn.value());
  }

  private static void putTime(ObjectNode o, String field, OffsetDateTime t) {
    if (t == null) {
      o.putNull(field);
    } else {
      o.put(field, t.format(PYTHON_TIME));
    }
  }
}
