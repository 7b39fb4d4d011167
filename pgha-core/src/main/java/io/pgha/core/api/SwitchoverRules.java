package io.pgha.core.api;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.Member;
import io.pgha.patroni.SynchronousMode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a {@code POST /switchover} or {@code POST /failover} against the cluster and turns it into
 * the {@code failover} key to write, with Patroni's messages and status codes. Pure: the cluster
 * view and the wall-clock time (only to refuse a schedule in the past) are arguments.
 */
final class SwitchoverRules {
  private SwitchoverRules() {}

  /** What was asked. */
  enum Action {
    SWITCHOVER,
    FAILOVER;

    String word() {
      return this == SWITCHOVER ? "switchover" : "failover";
    }

    String title() {
      return this == SWITCHOVER ? "Switchover" : "Failover";
    }

    /** "switched" / "failed", for "Successfully switched over to ...". */
    String past() {
      return this == SWITCHOVER ? "switched" : "failed";
    }
  }

  /**
   * An accepted request.
   *
   * @param action a failover that names a leader is a switchover
   * @param request the value for the {@code failover} key
   */
  record Accepted(Action action, FailoverRequest request) {
    boolean scheduled() {
      return request.scheduledAt().isPresent();
    }
  }

  /**
   * Validates the request body against {@code view}.
   *
   * @throws RequestRefusedException with 400, 412 or 422 and Patroni's reason
   */
  static Accepted check(Action asked, ObjectNode body, ClusterView view, OffsetDateTime now)
      throws RequestRefusedException {
    Optional<String> leader = text(body, "leader");
    Optional<String> candidate = text(body, "candidate");
    if (candidate.isEmpty()) {
      candidate = text(body, "member");
    }
    Optional<String> scheduledText = text(body, "scheduled_at");
    DynamicConfig config = view.effectiveConfig();
    Action action = asked;

    if (action == Action.FAILOVER && candidate.isEmpty()) {
      throw new RequestRefusedException("Failover could be performed only to a specific candidate");
    }
    if (action == Action.SWITCHOVER && leader.isEmpty()) {
      throw new RequestRefusedException(
          "Switchover could be performed only from a specific leader");
    }
    Optional<OffsetDateTime> scheduledAt = Optional.empty();
    if (scheduledText.isPresent()) {
      if (action == Action.FAILOVER) {
        throw new RequestRefusedException("Failover can't be scheduled");
      }
      if (config.pause()) {
        throw new RequestRefusedException("Can't schedule switchover in the paused state");
      }
      scheduledAt = Optional.of(Schedules.parse(scheduledText.get(), action.word(), now));
    }
    if (config.pause() && candidate.isEmpty()) {
      throw new RequestRefusedException(
          "Switchover is possible only to a specific candidate in a paused state");
    }
    if (action == Action.FAILOVER && leader.isPresent()) {
      // Patroni: a failover that names the leader is a switchover.
      action = Action.SWITCHOVER;
    }
    if (leader.isPresent() && leader.equals(candidate)) {
      throw new RequestRefusedException("Switchover target and source are the same");
    }
    if (leader.isPresent() && !view.isLeader(leader.get())) {
      throw new RequestRefusedException(412, "leader name does not match");
    }
    if (candidate.isPresent() && view.member(candidate.get()).isEmpty()) {
      throw new RequestRefusedException(412, "candidate does not exists");
    }
    if (candidate.isPresent() && view.isLeader(candidate.get())) {
      throw new RequestRefusedException(
          412, "candidate " + candidate.get() + " is already the leader");
    }
    if (scheduledAt.isEmpty()) {
      checkCandidates(action, candidate, view, config);
    }
    return new Accepted(action, new FailoverRequest(leader, candidate, scheduledAt, 0));
  }

  /**
   * Patroni's {@code is_failover_possible}, judged on the member keys rather than by calling peers.
   */
  private static void checkCandidates(
      Action action, Optional<String> candidate, ClusterView view, DynamicConfig config)
      throws RequestRefusedException {
    boolean syncOnly = config.synchronousMode() == SynchronousMode.ON;
    List<Member> members = new ArrayList<>();
    if (candidate.isPresent()) {
      if (action == Action.SWITCHOVER
          && syncOnly
          && view.sync().filter(s -> s.isSyncStandby(candidate.get())).isEmpty()) {
        throw new RequestRefusedException(412, "candidate name does not match with sync_standby");
      }
      members.add(view.member(candidate.get()).orElseThrow());
    } else if (syncOnly) {
      view.members().values().stream()
          .filter(m -> view.sync().filter(s -> s.isSyncStandby(m.name())).isPresent())
          .forEach(members::add);
      if (members.isEmpty()) {
        throw new RequestRefusedException(
            412, action.word() + " is not possible: can not find sync_standby");
      }
    } else {
      view.members().values().stream()
          .filter(m -> !view.isLeader(m.name()) && !m.apiUrl().isEmpty())
          .forEach(members::add);
      if (members.isEmpty()) {
        throw new RequestRefusedException(
            412, action.word() + " is not possible: cluster does not have members except leader");
      }
    }
    // A failover while nobody leads is the operator's choice to accept losing what the candidate
    // lacks; the agent reports how much when it promotes.
    boolean lagMatters = view.leader().isPresent();
    List<String> reasons = new ArrayList<>();
    for (Member m : members) {
      // A member the sync key names has every acknowledged commit, and a switchover releases the
      // key only once the candidate received the leader's shutdown checkpoint: judging it by the
      // member keys' positions, published at different moments, would refuse it under write load
      // for a lag that is not there.
      boolean holdsEveryCommit =
          syncOnly && view.sync().filter(s -> s.isSyncStandby(m.name())).isPresent();
      Optional<String> why = unfit(m, view, config, lagMatters && !holdsEveryCommit);
      if (why.isEmpty()) {
        return;
      }
      reasons.add(m.name() + " " + why.get());
    }
    throw new RequestRefusedException(
        412,
        action.word()
            + " is not possible: no good candidates have been found ("
            + String.join("; ", reasons)
            + ")");
  }

  /** Why a member may not be promoted, judged from its member key; empty if it may. */
  static Optional<String> unfit(
      Member m, ClusterView view, DynamicConfig config, boolean lagMatters) {
    if (!m.isRunning()) {
      return Optional.of(
          "is not running (state " + (m.state().isEmpty() ? "unknown" : m.state()) + ")");
    }
    if (!m.tags().isFailoverCandidate()) {
      return Optional.of("is not allowed to promote (nofailover or failover_priority 0)");
    }
    // Judged on member keys, each published once per loop_wait at its own moment: under a heavy
    // write load their difference can exceed the bound with no real lag, and the request is
    // refused until a retry finds them closer. Patroni asks the peers for fresh positions instead.
    long lag = lag(m, view);
    if (lagMatters && lag > config.maximumLagOnFailover()) {
      return Optional.of(
          "lags "
              + lag
              + " bytes, more than maximum_lag_on_failover ("
              + config.maximumLagOnFailover()
              + ")");
    }
    if (config.checkTimeline()) {
      int leaderTimeline =
          view.leaderMember().flatMap(l -> boxed(l.timeline().orElse(-1))).orElse(-1);
      int own = m.timeline().orElse(-1);
      if (leaderTimeline > 0 && own < leaderTimeline) {
        return Optional.of("is on timeline " + own + ", behind the leader's " + leaderTimeline);
      }
    }
    return Optional.empty();
  }

  /**
   * How many bytes of WAL {@code m} lacks compared with the leader's last known position, by the
   * member keys and the status key (0 when unknown or not behind).
   */
  static long lag(Member m, ClusterView view) {
    long leaderLsn =
        Math.max(
            view.status().map(s -> s.optime().orElse(0)).orElse(0L),
            view.leaderMember().map(l -> l.xlogLocation().orElse(0)).orElse(0L));
    if (m.xlogLocation().isEmpty() || leaderLsn == 0) {
      return 0;
    }
    return Math.max(0, leaderLsn - m.xlogLocation().getAsLong());
  }

  private static Optional<String> text(ObjectNode body, String field)
      throws RequestRefusedException {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isString()) {
      throw new RequestRefusedException(
          "field '" + field + "' must be a string, got " + Json.nodeKind(node));
    }
    String value = node.asString().trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private static Optional<Integer> boxed(int v) {
    return v < 0 ? Optional.empty() : Optional.of(v);
  }
}
