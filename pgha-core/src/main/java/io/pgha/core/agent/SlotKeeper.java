package io.pgha.core.agent;

import io.pgha.core.ha.LogicalSlotCopy;
import io.pgha.core.ha.PermanentSlots;
import io.pgha.core.ha.SlotPlan;
import io.pgha.core.ha.SlotsSeen;
import io.pgha.core.ha.StreamingTopology;
import io.pgha.core.postgres.LogicalSlotState;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.ReplicationAdmin;
import io.pgha.core.postgres.ReplicationSlot;
import io.pgha.core.postgres.ReplicationSlots;
import io.pgha.core.postgres.Upstream;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication slots of the leader and of a replica: observes them for the decision (remembering
 * since when each unused physical one has been so) and carries out the {@link SlotPlan} it made; on
 * a replica, copies the permanent logical slots from the leader ({@link LogicalSlotCopy}) and moves
 * them forward ({@link SlotAdvancer}).
 */
final class SlotKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlotKeeper.class);

  private final String name;
  private final PostgresController postgres;
  private final Map<String, Long> unusedSinceNanos = new HashMap<>();
  private final SlotAdvancer advancer;
  private volatile SlotsSeen seenAsReplica;

  SlotKeeper(String name, PostgresController postgres) {
    this.name = name;
    this.postgres = postgres;
    this.advancer = new SlotAdvancer(name, postgres);
  }

  /**
   * The slots on the server, the physical slots it should keep, and since when each physical slot
   * that it should not keep, that no connection uses and that {@code ignore_slots} does not cover
   * has been so. It keeps the slots of the members that stream from it ({@link StreamingTopology})
   * and, as the primary or a standby cluster's leader, the permanent physical slots of the {@code
   * config} key.
   *
   * @param primary whether the server runs as the primary
   * @throws PostgresControlException when the server does not answer
   */
  SlotsSeen observe(ClusterView view, DynamicConfig config, boolean primary, long nowNanos) {
    if (primary) {
      // A promoted replica: its copies are the leader's slots now, moved by their consumers.
      advancer.clear();
    }
    String mine = ReplicationSlots.slotNameFor(name);
    Set<String> wanted =
        StreamingTopology.streamingFrom(view, name, primary).stream()
            .map(ReplicationSlots::slotNameFor)
            .collect(Collectors.toCollection(TreeSet::new));
    PermanentSlots permanent = PermanentSlots.of(config);
    if (primary || (config.isStandbyCluster() && view.isLeader(name))) {
      permanent.physical().stream().filter(slot -> !slot.equals(mine)).forEach(wanted::add);
    }
    Set<String> present = new TreeSet<>();
    Set<String> logical = new TreeSet<>();
    Set<String> logicalKept = new TreeSet<>();
    Map<String, Long> positions = new HashMap<>();
    for (ReplicationSlot slot : postgres.replication().slots()) {
      if (slot.position() != null) {
        positions.put(slot.name(), slot.position().value());
      }
      if (!"physical".equals(slot.type())) {
        logical.add(slot.name());
        if (slot.active()
            || permanent.ignores(slot.name(), slot.type(), slot.database(), slot.plugin())) {
          logicalKept.add(slot.name());
        }
        continue;
      }
      present.add(slot.name());
      if (wanted.contains(slot.name())
          || slot.active()
          || permanent.ignores(slot.name(), slot.type(), null, null)) {
        unusedSinceNanos.remove(slot.name());
      } else {
        unusedSinceNanos.putIfAbsent(slot.name(), nowNanos);
      }
    }
    unusedSinceNanos.keySet().retainAll(present);
    SlotsSeen seen =
        new SlotsSeen(wanted, present, unusedSinceNanos, logical, positions, logicalKept);
    seenAsReplica = primary ? null : seen;
    return seen;
  }

  /**
   * Where this server's permanent slots are now (integer LSNs by name), read at once for the
   * failsafe heartbeat, as Patroni reads them for each heartbeat: the HA loop, waiting on an etcd
   * that does not answer, observes them only every few seconds.
   *
   * @throws PostgresControlException when the server does not answer
   */
  Map<String, Long> permanentPositions(DynamicConfig config) {
    PermanentSlots permanent = PermanentSlots.of(config);
    if (!config.useSlots() || (permanent.physical().isEmpty() && permanent.logical().isEmpty())) {
      return Map.of();
    }
    Map<String, Long> positions = new HashMap<>();
    for (ReplicationSlot slot : postgres.replication().slots()) {
      if (slot.position() != null) {
        positions.put(slot.name(), slot.position().value());
      }
    }
    return permanent.positionsOf(positions);
  }

  /**
   * A leader's failsafe heartbeat said where its permanent slots are ({@code leader}: integer LSNs
   * by name): moves this replica's copies that are behind forward at once, as Patroni's replicas do
   * from the heartbeat while etcd does not answer (the HA loop, waiting on etcd then, would plan
   * the same only a cycle later). Nothing is created or dropped here.
   */
  void leaderSlotsHeard(Map<String, Long> leader, DynamicConfig config) {
    SlotsSeen seen = seenAsReplica;
    if (seen == null || leader.isEmpty() || !config.useSlots()) {
      return;
    }
    advancer.schedule(seen.behind(PermanentSlots.of(config).logical(), leader));
  }

  /**
   * Drops, then creates, the slots the plan names, and hands the logical slots to move forward to
   * the {@link SlotAdvancer}; a failure is logged (the next cycle retries).
   */
  void carryOut(SlotPlan plan) {
    try {
      for (String slot : plan.drop()) {
        postgres.replication().dropSlot(slot);
        unusedSinceNanos.remove(slot);
        LOG.info("[{}] dropped replication slot {}: no member uses it", name, slot);
      }
      for (String slot : plan.dropLogical()) {
        if (postgres.replication().dropInactiveSlot(slot)) {
          LOG.info(
              "[{}] dropped logical replication slot {}: not a permanent slot this member keeps",
              name,
              slot);
        }
      }
      for (String slot : plan.create()) {
        postgres.replication().createSlot(slot);
        LOG.info("[{}] created replication slot {}", name, slot);
      }
      for (Map.Entry<String, PermanentSlots.LogicalSlot> slot : plan.createLogical().entrySet()) {
        postgres
            .replication()
            .createLogicalSlot(slot.getKey(), slot.getValue().database(), slot.getValue().plugin());
        LOG.info(
            "[{}] created permanent logical slot {} ({} in database {})",
            name,
            slot.getKey(),
            slot.getValue().plugin(),
            slot.getValue().database());
      }
    } catch (PostgresControlException e) {
      LOG.warn("[{}] could not update replication slots: {}", name, e.getMessage());
    }
    advancer.schedule(plan.advanceLogical());
  }

  /**
   * Copies the permanent logical slots {@code copy} names from the leader, as Patroni 3 does: reads
   * their state files there, then stops PostgreSQL, installs them and starts it again (at most
   * {@code timeout}). Refuses, before stopping anything, when PostgreSQL could not start with them
   * ({@code wal_level} not {@code logical}, too few {@code max_replication_slots}). Without {@code
   * hot_standby_feedback} the leader may remove catalog rows a copy needs: logged as an error, the
   * copy made all the same, as Patroni does.
   *
   * @throws IllegalStateException when PostgreSQL could not start with the copies
   * @throws PostgresControlException when the leader cannot be read or the restart fails
   */
  boolean copy(
      String leaderName,
      Upstream leader,
      LogicalSlotCopy copy,
      DynamicConfig config,
      Duration timeout) {
    ReplicationAdmin replication = postgres.replication();
    String walLevel = replication.setting("wal_level");
    if (!"logical".equals(walLevel)) {
      throw new IllegalStateException(
          "not copying permanent logical slots "
              + copy.slots()
              + " from the leader: wal_level ("
              + walLevel
              + ") must be logical on a replica that keeps logical slots (PostgreSQL does not start"
              + " with a logical slot otherwise)");
    }
    if (!"on".equals(replication.setting("hot_standby_feedback"))) {
      LOG.error(
          "[{}] logical slot failover requires hot_standby_feedback = on: without it the leader"
              + " may remove catalog rows the copies of {} need, and a consumer would fail on"
              + " them after a failover",
          name,
          copy.slots());
    }
    PermanentSlots permanent = PermanentSlots.of(config);
    List<LogicalSlotState> install = new ArrayList<>();
    for (LogicalSlotState state : replication.logicalSlotStates(leader, copy.slots())) {
      PermanentSlots.LogicalSlot wanted = permanent.logical().get(state.name());
      if (wanted != null
          && wanted.database().equals(state.database())
          && wanted.plugin().equals(state.plugin())) {
        install.add(state);
      } else {
        LOG.warn(
            "[{}] not copying logical slot {} from the leader ({}): it differs from the"
                + " configuration's {}",
            name,
            state.name(),
            state,
            wanted);
      }
    }
    if (install.isEmpty()) {
      LOG.info("[{}] the leader ({}) has none of the slots {} to copy", name, leaderName, copy);
      return true;
    }
    int max = Integer.parseInt(replication.setting("max_replication_slots"));
    int after = replication.slots().size() + install.size();
    if (after > max) {
      throw new IllegalStateException(
          "not copying permanent logical slots "
              + copy.slots()
              + " from the leader: "
              + after
              + " slots would exceed max_replication_slots ("
              + max
              + ")");
    }
    postgres.restartInstallingSlots(install, timeout);
    LOG.info(
        "[{}] copied permanent logical slots {} from the leader ({}) and restarted PostgreSQL to"
            + " load them",
        name,
        install,
        leaderName);
    return true;
  }

  @Override
  public void close() {
    advancer.close();
  }
}
