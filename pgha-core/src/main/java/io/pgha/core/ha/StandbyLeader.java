package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP_STANDBY;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.FOLLOW_PRIMARY_CLUSTER;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.START_AS_STANDBY_LEADER;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.ActionKind.WRITE_INITIAL_CONFIG;
import static io.pgha.core.ha.Situation.seconds;

import io.pgha.core.config.StandbyCluster;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.SynchronousMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The rules of a standby cluster ({@link StandbyCluster}), as Patroni's: the leader key is still
 * won by election, but its holder is a standby leader that follows the primary cluster instead of
 * promoting; the other members follow it as they follow any leader. Nothing here ever promotes: a
 * section that cannot be followed keeps the standby leader where it is.
 */
final class StandbyLeader {
  private StandbyLeader() {}

  /** The standby cluster is not initialized and we have no data: copy the primary cluster. */
  static Decision bootstrap(Situation s) {
    Optional<StandbyCluster> section = section(s);
    if (section.isEmpty()) {
      return Decision.of(
          "the standby cluster is not initialized, and " + problem(s) + ": waiting",
          Action.of(WAIT));
    }
    StandbyCluster c = section.get();
    if (c.host().isEmpty() && !s.me().createsReplicaWithoutLeader()) {
      return Decision.of(
          "the standby cluster is not initialized and standby_cluster names no host to copy it"
              + " from with pg_basebackup: waiting (restore a backup into a member's data"
              + " directory to start it, or give the members a no_leader replica method)",
          Action.of(WAIT));
    }
    if (!s.me().tags().isFailoverCandidate()) {
      return Decision.of(
          "the standby cluster is not initialized and I may not lead (nofailover): waiting for"
              + " another member to copy "
              + c.describe(),
          Action.of(WAIT));
    }
    return Decision.of(
        "the standby cluster is not initialized: racing to copy " + c.describe() + " and lead it",
        Action.standby(BOOTSTRAP_STANDBY, c),
        Action.of(ACQUIRE_LEADER),
        Action.of(WRITE_INITIAL_CONFIG));
  }

  /** We hold the leader key, with a live lease, in a standby cluster. */
  static Decision leading(Situation s) {
    Optional<StandbyCluster> section = section(s);
    LocalState local = s.local();
    String pause = HaDecider.pausePrefix(s);
    if (local.isReadWrite()) {
      if (s.paused()) {
        return Decision.of(
            "PAUSE: PostgreSQL runs read-write although this is a standby cluster; not demoting"
                + " while paused",
            Action.renew());
      }
      return Decision.of(
          "demoting self: the leader of a standby cluster cannot run read-write (standby_cluster"
              + " is set); it then follows the primary cluster as the standby leader",
          Action.renew(),
          Action.of(DEMOTE));
    }
    if (section.isEmpty()) {
      return Decision.of(
          pause
              + "I am ("
              + s.name()
              + "), the standby leader with the lock, but "
              + problem(s)
              + ": replication stays as it is until the section is fixed",
          Action.renew());
    }
    StandbyCluster c = section.get();
    if (local.isReplica()) {
      if (local.following().filter(c.followingName()::equals).isPresent()) {
        return Decision.of(
            pause
                + "no action. I am ("
                + s.name()
                + "), the standby leader with the lock, following "
                + c.describe(),
            Action.renew());
      }
      if (s.paused()) {
        return Decision.of(
            "PAUSE: not pointing the standby leader at " + c.describe() + " while paused",
            Action.renew());
      }
      return Decision.of(
          "I hold the leader key of a standby cluster: following " + c.describe(),
          Action.renew(),
          Action.standby(FOLLOW_PRIMARY_CLUSTER, c));
    }
    if (s.paused()) {
      return Decision.of(
          "PAUSE: I hold the standby leader key but PostgreSQL is not running; not starting it"
              + " while paused",
          Action.renew());
    }
    long down = s.postgresDownForNanos();
    long timeout = TimeUnit.SECONDS.toNanos(s.config().primaryStartTimeout());
    String downFor =
        " (down "
            + seconds(down)
            + ", primary_start_timeout "
            + s.config().primaryStartTimeout()
            + "s)";
    if (down >= timeout) {
      return Decision.of(
          "PostgreSQL did not come back on the standby leader within primary_start_timeout"
              + downFor
              + ": releasing the leader key so that another member leads the standby cluster",
          Action.of(RELEASE_LEADERSHIP));
    }
    if (local.postmasterStarting()) {
      return Decision.of(
          "PostgreSQL is starting on the standby leader: waiting for it to accept connections"
              + downFor,
          Action.renew(),
          Action.of(AWAIT_STARTUP));
    }
    return Decision.of(
        "PostgreSQL is not running on the standby leader: starting it as a standby of "
            + c.describe()
            + downFor,
        Action.renew(),
        Action.standby(START_AS_STANDBY_LEADER, c));
  }

  /**
   * After taking the key ({@code key}) in a standby cluster: follow the primary cluster instead of
   * promoting.
   */
  static Decision takingTheKey(Situation s, Action key, String why) {
    List<Action> steps = new ArrayList<>(List.of(key));
    Optional<StandbyCluster> section = section(s);
    // The caller's circumstance, without what it would have done about it (promoting).
    int cut = Math.max(why.lastIndexOf("; "), why.lastIndexOf(": "));
    String reason =
        (cut > 0 ? why.substring(0, cut) : why)
            + ": "
            + (key.kind() == ActionKind.RENEW ? "keeping" : "taking")
            + " the leader key as the standby leader";
    if (section.isEmpty()) {
      reason += "; " + problem(s) + ", so replication stays as it is";
    } else {
      StandbyCluster c = section.get();
      reason += ", following " + c.describe() + " (a standby cluster promotes no one)";
      steps.add(
          Action.standby(
              s.local().isReplica() ? FOLLOW_PRIMARY_CLUSTER : START_AS_STANDBY_LEADER, c));
    }
    return new Decision(steps, reason);
  }

  /**
   * What the standby leader keeps in step once it confirmed or took the key: the slots its members
   * stream through (and the permanent physical ones), as Patroni's does, and no logical slot (a
   * copy of the primary cluster's, say, which nobody moves forward and which keeps WAL forever). A
   * missing {@code config} key it writes as any leader does ({@link LeaderUpkeep}): a standby
   * leader that claimed the cluster with a data directory it had, rather than copying the primary
   * cluster, has written none yet.
   */
  static List<Action> upkeep(Situation s) {
    List<Action> upkeep = new ArrayList<>();
    if (s.config().useSlots() && s.local().slots().isPresent()) {
      SlotsSeen seen = s.local().slots().get();
      long grace = TimeUnit.SECONDS.toNanos(2L * s.config().ttl());
      SlotPlan plan =
          Slots.plan(seen, grace, s.now().nanos())
              .withReplicaLogical(Map.of(), ReplicaLogicalSlots.plan(s, seen, false).drop());
      if (plan.isActive()) {
        upkeep.add(Action.slots(plan));
      }
    }
    return upkeep;
  }

  /**
   * What the decision works with: in a standby cluster, as in Patroni, synchronous replication (and
   * so the fast takeover of a synchronous standby) does not apply, the leader being no primary.
   */
  static DynamicConfig effective(DynamicConfig config) {
    if (!config.isStandbyCluster()
        || (config.synchronousMode() == SynchronousMode.OFF && !config.fastTakeoverEnabled())) {
      return config;
    }
    return config.toBuilder().synchronousMode(SynchronousMode.OFF).fastTakeover(false).build();
  }

  /** The section, when it can be followed. */
  private static Optional<StandbyCluster> section(Situation s) {
    try {
      return StandbyCluster.of(s.config());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String problem(Situation s) {
    return StandbyCluster.problem(s.config()).orElse("standby_cluster cannot be followed");
  }
}
