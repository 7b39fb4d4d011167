package io.pgha.core.agent;

import io.pgha.core.agent.ActionExecutor.Run;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.Takeover;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.Promotion;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.HistoryEntry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promotion's steps: the fast takeover from a silent leader ({@code FAST_TAKEOVER}), the gate
 * right before the promotion ({@code PROMOTION_GATE}) and the promotion itself ({@code PROMOTE}),
 * which publishes the member key the moment PostgreSQL accepts writes and records the timeline
 * switch in {@code history}.
 */
final class PromotionSteps {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionSteps.class);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final MemberState state;
  private final EventPublisher events;
  private final AgentTimeouts timeouts;
  private final PromotionGate gate;
  private final MemberRecord memberRecord;
  private final GuardedTakeover takeovers;

  PromotionSteps(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      EventPublisher events,
      AgentTimeouts timeouts,
      PromotionGate gate,
      MemberRecord memberRecord,
      LeaderChecksHold checksHold) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
    this.state = state;
    this.events = events;
    this.timeouts = timeouts;
    this.gate = gate;
    this.memberRecord = memberRecord;
    this.takeovers = new GuardedTakeover(name, dcs, checksHold);
  }

  boolean passGate(DynamicConfig config) {
    Optional<String> refused = gate.beforePromote(config.ttl());
    refused.ifPresent(why -> LOG.warn("[{}] promotion cancelled: {}", name, why));
    return refused.isEmpty();
  }

  /**
   * The fast takeover's transaction: the leader key and the {@code sync} key, both or neither,
   * between two readings of the leader's lease ({@link GuardedTakeover}). The promotion that
   * follows (after the gate and {@code synchronous_standby_names}) is the usual one.
   */
  boolean takeOver(Run run, Takeover takeover) throws DcsException {
    LOG.warn(
        "[{}] ({}) has not renewed its lease for {} ms: taking the leader key and the sync key over"
            + " from it in one transaction",
        name,
        takeover.leader(),
        takeover.silentForMillis());
    if (!takeovers.run(takeover)) {
      return false;
    }
    LOG.warn(
        "[{}] took over from ({}): the sync key names me alone, so ({}) can no longer name other"
            + " synchronous standbys; promoting",
        name,
        takeover.leader(),
        takeover.leader());
    events.publish(
        new AgentEvent.FastTakeover(name, takeover.leader(), takeover.silentForMillis()));
    events.publish(new AgentEvent.LeadershipAcquired(name));
    // PostgreSQL's own reason first, as in every history entry (tools look for it), then ours.
    run.promotionReason =
        "no recovery target specified; fast takeover after "
            + takeover.silentForMillis()
            + " ms of leader silence";
    return true;
  }

  boolean promote(Run run) throws DcsException {
    if (!dcs.holdsLeadership()) {
      LOG.warn("[{}] not promoting: the leader lease is not confirmed", name);
      return false;
    }
    ClusterView view = run.view();
    long position = run.seen.local().walPosition();
    Promotion promotion =
        postgres.promote(timeouts.promote(), writable -> announceWritable(run, writable));
    state.primary();
    events.publish(new AgentEvent.Promoted(name, promotion.newTimeline()));
    long lost = lostBytes(view, position);
    String reason =
        run.promotionReason != null ? run.promotionReason : "no recovery target specified";
    if (lost > 0) {
      long leaderPosition = position + lost;
      LOG.warn(
          "[{}] promoted at WAL position {}, {} bytes behind the last position the previous leader"
              + " published ({}): what was written in between is not on this primary",
          name,
          position,
          lost,
          leaderPosition);
      events.publish(new AgentEvent.PromotedWithDataLoss(name, lost, leaderPosition, position));
      reason += "; promoted " + lost + " bytes behind the last known leader position";
    }
    appendHistory(promotion, reason, run.config().maxTimelinesHistory());
    return true;
  }

  /**
   * Publishes this member's key as a running primary at once, instead of at the end of the cycle:
   * during a drain, clients and the leader that handed over wait for exactly that.
   */
  private void announceWritable(Run run, PostgresStatus writable) {
    state.primary();
    try {
      dcs.updateMember(memberRecord.build(writable, "running", run.config().pause()));
      LOG.info("[{}] accepting writes: published my member key as primary", name);
    } catch (DcsException | RuntimeException e) {
      // The end of the cycle publishes it anyway.
      LOG.info("[{}] could not publish my member key at once: {}", name, e.getMessage());
    }
  }

  /**
   * How far {@code position} is behind the previous leader's last published position (0 if not).
   */
  private static long lostBytes(ClusterView view, long position) {
    long optime = view.status().map(s -> s.optime().orElse(0)).orElse(0L);
    return position > 0 && optime > position ? optime - position : 0;
  }

  private void appendHistory(Promotion promotion, String reason, int keepLast) {
    try {
      dcs.appendHistory(
          new HistoryEntry(
              promotion.previousTimeline(),
              promotion.switchLsn() == null ? 0 : promotion.switchLsn().value(),
              reason,
              Optional.of(OffsetDateTime.now(ZoneOffset.UTC).toString()),
              Optional.of(name)),
          keepLast);
    } catch (DcsException e) {
      LOG.warn("[{}] could not record the timeline switch in history: {}", name, e.getMessage());
    }
  }
}
