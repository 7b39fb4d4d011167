package io.pgha.core.agent;

import io.pgha.core.ha.PermanentSlots;
import io.pgha.core.ha.SlotPlan;
import io.pgha.core.ha.SlotsSeen;
import io.pgha.core.ha.StreamingTopology;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.ReplicationSlot;
import io.pgha.core.postgres.ReplicationSlots;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical replication slots of the leader and of a replica others cascade from: observes them
 * for the decision (remembering since when each unused one has been so) and carries out the {@link
 * SlotPlan} it made.
 */
final class SlotKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(SlotKeeper.class);

  private final String name;
  private final PostgresController postgres;
  private final Map<String, Long> unusedSinceNanos = new HashMap<>();

  SlotKeeper(String name, PostgresController postgres) {
    this.name = name;
    this.postgres = postgres;
  }

  /**
   * The physical slots on the server, the slots it should keep, and since when each slot that it
   * should not keep, that no connection uses and that {@code ignore_slots} does not cover has been
   * so. It keeps the slots of the members that stream from it ({@link StreamingTopology}) and, as
   * the primary, the permanent physical slots of the {@code config} key.
   *
   * @param primary whether the server runs as the primary
   * @throws PostgresControlException when the server does not answer
   */
  SlotsSeen observe(ClusterView view, DynamicConfig config, boolean primary, long nowNanos) {
    String mine = ReplicationSlots.slotNameFor(name);
    Set<String> wanted =
        StreamingTopology.streamingFrom(view, name, primary).stream()
            .map(ReplicationSlots::slotNameFor)
            .collect(Collectors.toCollection(TreeSet::new));
    PermanentSlots permanent = PermanentSlots.of(config);
    if (primary) {
      permanent.physical().stream().filter(slot -> !slot.equals(mine)).forEach(wanted::add);
    }
    Set<String> present = new TreeSet<>();
    Set<String> logical = new TreeSet<>();
    Map<String, Long> positions = new HashMap<>();
    for (ReplicationSlot slot : postgres.replication().slots()) {
      if (slot.position() != null) {
        positions.put(slot.name(), slot.position().value());
      }
      if (!"physical".equals(slot.type())) {
        logical.add(slot.name());
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
    return new SlotsSeen(wanted, present, unusedSinceNanos, logical, positions);
  }

  /**
   * Drops, then creates, the slots the plan names; a failure is logged (the next cycle retries).
   */
  void carryOut(SlotPlan plan) {
    try {
      for (String slot : plan.drop()) {
        postgres.replication().dropSlot(slot);
        unusedSinceNanos.remove(slot);
        LOG.info("[{}] dropped replication slot {}: no member uses it", name, slot);
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
  }
}
