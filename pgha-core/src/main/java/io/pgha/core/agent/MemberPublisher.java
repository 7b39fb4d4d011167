package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.ActionKind;
import io.pgha.core.ha.Decision;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes this member's key (and, as the leader, the {@code status} key) from a probe. */
final class MemberPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(MemberPublisher.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final MemberRecord memberRecord;

  MemberPublisher(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      MemberRecord memberRecord) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.memberRecord = memberRecord;
  }

  /**
   * Publishes {@code status} as this member's key, and {@code leaderOptime}, when present, as the
   * leader's last WAL position; a failure is logged (the next cycle publishes again). {@code
   * config} says whether this is a standby cluster.
   */
  void publish(
      PostgresStatus status,
      Decision decision,
      boolean paused,
      DynamicConfig config,
      OptionalLong leaderOptime) {
    publish(status, decision, paused, config, leaderOptime, Map.of());
  }

  /** As above, with the permanent slots' positions written beside the leader's position. */
  void publish(
      PostgresStatus status,
      Decision decision,
      boolean paused,
      DynamicConfig config,
      OptionalLong leaderOptime,
      Map<String, Long> permanentSlots) {
    String pgState = pgState(status, decision);
    state.update(f -> f.withState(pgState));
    // A standby holding the key of a standby cluster is its standby leader, as Patroni names it.
    boolean standbyLeader = config.isStandbyCluster() && dcs.holdsLeadership();
    Member member = memberRecord.build(status, pgState, paused, standbyLeader);
    try {
      dcs.updateMember(member);
      if (leaderOptime.isPresent()) {
        dcs.writeStatus(new ClusterStatus(leaderOptime, permanentSlots, java.util.List.of()));
      }
    } catch (DcsException e) {
      LOG.warn("[{}] could not publish member state: {}", name, e.getMessage());
    }
  }

  /** Patroni's {@code state} of the member key. */
  private String pgState(PostgresStatus status, Decision decision) {
    if (status.acceptingConnections()) {
      return "running";
    }
    if (decision.kinds().contains(ActionKind.CLONE_FROM)
        || decision.kinds().contains(ActionKind.CLONE_WITHOUT_LEADER)
        || decision.kinds().contains(ActionKind.REINITIALIZE)) {
      return postgres.isInitialized() ? "starting" : "creating replica";
    }
    if (status.running()) {
      return "starting";
    }
    return state.get().postgresDownSinceNanos().isPresent() && state.get().lastRunAsPrimary()
        ? "crashed"
        : "stopped";
  }
}
