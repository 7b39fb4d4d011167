package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP;
import static io.pgha.core.ha.ActionKind.CLONE_FROM;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.FOLLOW;
import static io.pgha.core.ha.ActionKind.PROMOTE;
import static io.pgha.core.ha.ActionKind.REINITIALIZE;
import static io.pgha.core.ha.ActionKind.RESTART_POSTGRES;
import static io.pgha.core.ha.ActionKind.REWIND_AND_FOLLOW;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.STOP_CLEANLY;

import io.pgha.patroni.ClusterStatus;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * When a cycle publishes the member key: the observation first, so that operators (and the leader
 * keeping a slot) see what this member is about to do; again after actions that change PostgreSQL,
 * from a fresh look at it. Not before racing for the key (or taking it over from a silent leader):
 * that would only delay the race, and a promoted member publishes itself the moment it is writable.
 * Nor before a failsafe leader's demotion in a cycle that could not read etcd.
 */
final class Publishing {
  private static final Set<ActionKind> CHANGES_POSTGRES =
      Set.of(
          BOOTSTRAP,
          ActionKind.BOOTSTRAP_STANDBY,
          ActionKind.START_AS_STANDBY_LEADER,
          ActionKind.FOLLOW_PRIMARY_CLUSTER,
          CLONE_FROM,
          ActionKind.CLONE_WITHOUT_LEADER,
          PROMOTE,
          RESTART_POSTGRES,
          AWAIT_STARTUP,
          DEMOTE,
          START_AS_REPLICA,
          FOLLOW,
          ActionKind.COPY_LOGICAL_SLOTS,
          REWIND_AND_FOLLOW,
          REINITIALIZE,
          STOP_CLEANLY);

  private Publishing() {}

  static Decision decide(Situation s, Decision d) {
    if (d.kinds().get(0) == ACQUIRE_LEADER || d.kinds().get(0) == ActionKind.FAST_TAKEOVER) {
      return d.publishing(new Publication(false, true, OptionalLong.empty()));
    }
    boolean changes = d.kinds().stream().anyMatch(CHANGES_POSTGRES::contains);
    if (changes && Failsafe.demotesWithoutEtcd(s)) {
      // etcd did not answer this cycle: a write before the demotion would only delay it by a
      // request timeout. (A refused leader already read-only has nothing to change: it publishes
      // as usual.)
      return d.publishing(new Publication(false, true, OptionalLong.empty()));
    }
    Map<String, Long> slots = permanentSlots(s);
    return d.publishing(new Publication(true, changes, leaderOptime(s, slots), slots));
  }

  /**
   * As the leader running read-write: our WAL position, when the status key has another one or
   * other permanent slot positions.
   */
  private static OptionalLong leaderOptime(Situation s, Map<String, Long> slots) {
    if (!s.iAmLeader() || !s.leaseLive() || !s.local().isReadWrite()) {
      return OptionalLong.empty();
    }
    long mine = s.local().walPosition();
    OptionalLong published =
        s.view().status().map(ClusterStatus::optime).orElse(OptionalLong.empty());
    Map<String, Long> publishedSlots = s.view().status().map(ClusterStatus::slots).orElse(Map.of());
    return published.isPresent() && published.getAsLong() == mine && publishedSlots.equals(slots)
        ? OptionalLong.empty()
        : OptionalLong.of(mine);
  }

  /** The positions of the permanent slots on this server, as Patroni publishes them. */
  private static Map<String, Long> permanentSlots(Situation s) {
    if (!s.local().isReadWrite() || !s.config().useSlots()) {
      return Map.of();
    }
    PermanentSlots permanent = PermanentSlots.of(s.config());
    return s.local().slots().map(seen -> permanent.positionsOf(seen.positions())).orElse(Map.of());
  }
}
