package io.pgha.core.api;

import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.Role;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code GET /metrics}: Patroni's metrics in the Prometheus text format, each labelled {@code
 * scope} and {@code name}.
 */
final class MetricsDocument {
  private MetricsDocument() {}

  private static final List<String> SHORT_NAMES =
      List.of(
          "initdb",
          "initdb_failed",
          "custom_bootstrap",
          "custom_bootstrap_failed",
          "creating_replica",
          "running",
          "starting",
          "bootstrap_starting",
          "start_failed",
          "restarting",
          "restart_failed",
          "stopping",
          "stopped",
          "stop_failed",
          "crashed");

  static String of(NodeSnapshot s) {
    PostgresStatus pg = s.postgres();
    Role role = s.effectiveRole();
    boolean answering = pg.acceptingConnections();
    boolean primary = answering && role == Role.PRIMARY;
    boolean replica = answering && role == Role.REPLICA;
    String labels = "{scope=\"" + escape(s.scope()) + "\",name=\"" + escape(s.memberName()) + "\"}";
    StringBuilder out = new StringBuilder(4096);
    Metric m = new Metric(out, labels);
    m.gauge("patroni_version", "Patroni semver without periods.", paddedVersion(s.version()));
    m.gauge(
        "patroni_postgres_running",
        "Value is 1 if Postgres is running, 0 otherwise.",
        flag(s.isRunning()));
    m.gauge(
        "patroni_postmaster_start_time",
        "Epoch seconds since Postgres started.",
        epochSeconds(answering ? pg.postmasterStartTime() : null));
    m.gauge("patroni_master", "Value is 1 if this node is the leader, 0 otherwise.", flag(primary));
    m.gauge(
        "patroni_primary", "Value is 1 if this node is the leader, 0 otherwise.", flag(primary));
    m.counter(
        "patroni_xlog_location",
        "Current location of the Postgres transaction log, 0 if this node is not the leader.",
        primary ? lsn(pg.currentLsn()) : "0");
    m.gauge(
        "patroni_standby_leader",
        "Value is 1 if this node is the standby_leader, 0 otherwise.",
        flag(answering && role == Role.STANDBY_LEADER));
    m.gauge("patroni_replica", "Value is 1 if this node is a replica, 0 otherwise.", flag(replica));
    m.gauge(
        "patroni_sync_standby",
        "Value is 1 if this node is a sync standby, 0 otherwise.",
        flag(HealthRules.isSyncStandby(s)));
    m.gauge(
        "patroni_quorum_standby",
        "Value is 1 if this node is a quorum standby, 0 otherwise.",
        flag(HealthRules.isQuorumStandby(s)));
    boolean standby = answering && role != Role.PRIMARY;
    m.counter(
        "patroni_xlog_received_location",
        "Current location of the received Postgres transaction log, 0 if this node is not a"
            + " replica.",
        standby ? lsn(pg.receivedLsn() != null ? pg.receivedLsn() : pg.replayedLsn()) : "0");
    m.counter(
        "patroni_xlog_replayed_location",
        "Current location of the replayed Postgres transaction log, 0 if this node is not a"
            + " replica.",
        standby ? lsn(pg.replayedLsn()) : "0");
    m.gauge(
        "patroni_xlog_replayed_timestamp",
        "Current timestamp of the replayed Postgres transaction log, 0 if null.",
        epochSeconds(standby ? pg.replayedTimestamp() : null));
    m.gauge(
        "patroni_xlog_paused",
        "Value is 1 if the Postgres xlog is paused, 0 otherwise.",
        flag(standby && Boolean.TRUE.equals(pg.replayPaused())));
    String replicationState = HealthRules.replicationState(s).orElse("");
    m.gauge(
        "patroni_postgres_streaming",
        "Value is 1 if Postgres is streaming, 0 otherwise.",
        flag(replicationState.equals("streaming")));
    m.gauge(
        "patroni_postgres_in_archive_recovery",
        "Value is 1 if Postgres is replicating from archive, 0 otherwise.",
        flag(replicationState.equals("in archive recovery")));
    m.gauge(
        "patroni_postgres_server_version",
        "Version of Postgres (if running), 0 otherwise.",
        answering && pg.serverVersion() != null ? pg.serverVersion().toString() : "0");
    m.gauge(
        "patroni_cluster_unlocked",
        "Value is 1 if the cluster is unlocked, 0 if locked.",
        flag(!s.dcsReachable() || s.cluster().isUnlocked()));
    m.gauge(
        "patroni_failsafe_mode_is_active",
        "Value is 1 if failsafe mode is active, 0 if inactive.",
        flag(s.failsafeActive()));
    m.counter(
        "patroni_postgres_timeline",
        "Postgres timeline of this node (if running), 0 otherwise.",
        answering && pg.timeline() != null ? pg.timeline().toString() : "0");
    m.gauge(
        "patroni_dcs_last_seen",
        "Epoch timestamp when DCS was last contacted successfully by Patroni.",
        Long.toString(s.dcsLastSeenEpochSeconds()));
    m.gauge(
        "patroni_pending_restart",
        "Value is 1 if the node needs a restart, 0 otherwise.",
        flag(Boolean.TRUE.equals(pg.pendingRestart())));
    m.gauge(
        "patroni_is_paused",
        "Value is 1 if auto failover is disabled, 0 otherwise.",
        flag(s.paused()));
    out.append("# HELP patroni_postgres_state Numeric representation of Postgres state.\n");
    out.append("# Values: ").append(STATE_VALUES).append('\n');
    out.append("# TYPE patroni_postgres_state gauge\n");
    out.append("patroni_postgres_state")
        .append(labels)
        .append(' ')
        .append(stateIndex(s.postgresState()))
        .append('\n');
    return out.toString();
  }

  /**
   * Patroni 4's numbering of its PostgreSQL states ({@code state} in {@code GET /patroni}): the
   * position in this list. pgha uses the same state names.
   */
  private static final List<String> STATES =
      List.of(
          "initializing new cluster",
          "initdb failed",
          "running custom bootstrap script",
          "custom bootstrap failed",
          "creating replica",
          "running",
          "starting",
          "starting after custom bootstrap",
          "start failed",
          "restarting",
          "restart failed",
          "stopping",
          "stopped",
          "stop failed",
          "crashed");

  /** The states' numbers and short names, the comment Patroni puts above the metric. */
  private static final String STATE_VALUES =
      java.util.stream.IntStream.range(0, STATES.size())
          .mapToObj(i -> i + "=" + SHORT_NAMES.get(i))
          .collect(java.util.stream.Collectors.joining(", "));

  /** {@code patroni_postgres_state}: the state's number, -1 for a state Patroni does not have. */
  static int stateIndex(String state) {
    return STATES.indexOf(state);
  }

  /**
   * Patroni's {@code patroni_version}: each part zero-padded to two digits, {@code 3.0.2 ->
   * 030002}.
   */
  static String paddedVersion(String version) {
    StringBuilder b = new StringBuilder();
    for (String part : version.split("[.-]")) {
      if (!part.matches("\\d+")) {
        break;
      }
      b.append(part.length() < 2 ? "0" + part : part);
    }
    return b.length() == 0 ? "0" : b.toString();
  }

  private static String flag(boolean v) {
    return v ? "1" : "0";
  }

  private static String lsn(Lsn lsn) {
    return lsn == null ? "0" : Long.toUnsignedString(lsn.value());
  }

  private static String epochSeconds(OffsetDateTime t) {
    if (t == null) {
      return "0";
    }
    return t.toEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private record Metric(StringBuilder out, String labels) {
    void gauge(String name, String help, String value) {
      write(name, "gauge", help, value);
    }

    void counter(String name, String help, String value) {
      write(name, "counter", help, value);
    }

    private void write(String name, String type, String help, String value) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
      out.append(name).append(labels).append(' ').append(value).append('\n');
    }
  }
}
