package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.CLEAR_FAILOVER_KEY;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.DRAIN_CLIENTS;
import static io.pgha.core.ha.ActionKind.END_DRAIN;
import static io.pgha.core.ha.ActionKind.END_DRAIN_ONCE_LED;
import static io.pgha.core.ha.ActionKind.HAND_OVER;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.RESTART_POSTGRES;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.STOP_CLEANLY;
import static io.pgha.core.ha.ActionKind.WAIT;

import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The {@code failover} key: a switchover handled by the leader, and what the others do while the
 * leader key is free because of one (or because of a manual failover to a named member).
 */
final class Switchover {
  private Switchover() {}

  /** We lead, PostgreSQL runs read-write, and a request is present. */
  static Decision onLeader(Situation s) {
    FailoverRequest request = s.view().failover().orElseThrow();
    String me = s.name();
    Optional<String> from = request.leader();
    if (from.isPresent() && !from.get().equals(me)) {
      return renewAndClear(
          "clearing the failover key: it asks to move leadership away from ("
              + from.get()
              + "), but I am the leader");
    }
    Optional<String> to = request.candidate();
    if (to.filter(me::equals).isPresent()) {
      return renewAndClear("clearing the failover key: I am the leader it asks for");
    }
    if (s.paused() && (to.isEmpty() || request.scheduledAt().isPresent())) {
      return renewAndClear(
          "PAUSE: only a switchover to a named member, now, is possible while paused; clearing"
              + " the request");
    }
    Optional<Instant> due = request.scheduledAt().map(at -> at.toInstant());
    if (due.isPresent() && s.now().wallClock().isBefore(due.get())) {
      return Decision.of(
          HaDecider.pausePrefix(s)
              + "no action. I am ("
              + me
              + "), the leader with the lock; switchover scheduled at "
              + request.scheduledAt().orElseThrow(),
          Action.renew());
    }
    if (to.isPresent()) {
      Optional<String> problem = Election.whyNotSwitchoverCandidate(s, to.get());
      if (problem.isPresent()) {
        return renewAndClear(
            "switchover to (" + to.get() + ") is not possible: " + problem.get() + "; clearing it");
      }
      return handOver(
          s, "switchover requested: handing leadership over to (" + to.get() + ")", to.get());
    }
    return bestCandidate(s)
        .map(
            best ->
                handOver(
                    s,
                    "switchover requested: handing leadership over to the most advanced healthy"
                        + " member ("
                        + best
                        + ")",
                    best))
        .orElseGet(
            () ->
                renewAndClear(
                    "switchover is not possible: no member is a healthy candidate (answering"
                        + " replica that may be promoted, within maximum_lag_on_failover, synchronous"
                        + " when synchronous mode is on); clearing it"));
  }

  private static Optional<String> bestCandidate(Situation s) {
    return s.view().members().values().stream()
        .map(Member::name)
        .filter(name -> !name.equals(s.name()))
        .filter(name -> Election.whyNotSwitchoverCandidate(s, name).isEmpty())
        .max(
            Comparator.comparingLong(
                    (String name) -> s.peers().get(name).orElseThrow().walPosition())
                .thenComparing(name -> s.tagsOf(name).failoverPriority()));
  }

  private static Decision renewAndClear(String reason) {
    return Decision.of(reason, Action.renew(), Action.of(CLEAR_FAILOVER_KEY));
  }

  /**
   * The hand-over to {@code candidate}: drain the clients (unless {@code drain_timeout} is 0), stop
   * cleanly, and give the key up only once the candidate has received the shutdown checkpoint, so
   * that it has every commit. When it has not (or PostgreSQL did not shut down cleanly), start
   * again as the primary and drop the request. While paused, the old primary then starts as a
   * replica of the candidate, as Patroni's does. The {@code failover} key stays on success: it
   * tells every other member that only the candidate may race, and the candidate clears it once it
   * leads.
   */
  static Decision handOver(Situation s, String reason, String candidate) {
    boolean drain = s.config().drainTimeout() > 0;
    List<Action> steps = new ArrayList<>();
    List<Action> endDrain = drain ? List.of(Action.of(END_DRAIN)) : List.of();
    if (drain) {
      steps.add(Action.of(DRAIN_CLIENTS, candidate));
    }
    steps.add(Action.of(STOP_CLEANLY).otherwise(endDrain.toArray(Action[]::new)));
    List<Action> abort = new ArrayList<>();
    abort.add(Action.of(RESTART_POSTGRES));
    abort.add(Action.of(CLEAR_FAILOVER_KEY));
    abort.addAll(endDrain);
    steps.add(Action.of(HAND_OVER, candidate).otherwise(abort.toArray(Action[]::new)));
    steps.add(Action.of(RELEASE_LEADERSHIP).otherwise(endDrain.toArray(Action[]::new)));
    if (s.paused()) {
      // As Patroni's graceful demotion: the old primary follows the candidate at once (the
      // candidate has its shutdown checkpoint); paused, nothing would start it again later.
      steps.add(Action.of(START_AS_REPLICA, candidate));
    }
    if (drain) {
      steps.add(Action.of(END_DRAIN_ONCE_LED, candidate));
    }
    return new Decision(steps, reason);
  }

  /**
   * Nobody leads and a request is present: the named candidate races, the others leave the key to
   * it while it answers; the leader switched away from does not take the key back while another
   * member could. Empty when the request does not change the normal election.
   */
  static Optional<Decision> withoutLeader(Situation s) {
    Optional<FailoverRequest> present = s.view().failover();
    if (present.isEmpty()) {
      return Optional.empty();
    }
    FailoverRequest request = present.get();
    LocalState local = s.local();
    Optional<String> to = request.candidate();
    // Only an operator's failover to a named member, now, may lose data: a switchover whose leader
    // vanished, or a schedule, is no licence to promote a member beyond maximum_lag_on_failover.
    boolean forced = request.leader().isEmpty() && request.scheduledAt().isEmpty();
    if (to.isPresent() && to.get().equals(s.name())) {
      if (!local.running() || !s.me().tags().isFailoverCandidate()) {
        return Optional.empty();
      }
      if (!forced && Election.whyIneligible(s).isPresent()) {
        return Optional.empty();
      }
      return Optional.of(
          Promotion.race(
              s,
              "manual failover: I am the requested candidate; acquiring the leader key and"
                  + " promoting"));
    }
    if (to.isPresent()) {
      Optional<PeerPosition> candidate = s.peers().get(to.get());
      boolean candidateAnswers =
          candidate.isPresent()
              && s.tagsOf(to.get()).isFailoverCandidate()
              && (forced || Election.lagBeyondBound(s, candidate.get().walPosition()).isEmpty());
      return candidateAnswers
          ? Optional.of(standAside(s, "failover to (" + to.get() + ") in progress"))
          : Optional.empty();
    }
    boolean awayFromMe = request.leader().filter(s.name()::equals).isPresent();
    boolean someoneElseCan =
        s.view().members().values().stream()
            .filter(m -> !m.name().equals(s.name()))
            .filter(m -> m.tags().isFailoverCandidate())
            .anyMatch(m -> s.peers().get(m.name()).filter(p -> !p.primary()).isPresent());
    return awayFromMe && someoneElseCan
        ? Optional.of(standAside(s, "switchover away from me in progress"))
        : Optional.empty();
  }

  private static Decision standAside(Situation s, String what) {
    return Decision.of(
        what + ": leaving the leader key to the candidate",
        Action.of(s.local().isReadWrite() && !s.paused() ? DEMOTE : WAIT));
  }
}
