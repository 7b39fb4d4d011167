package io.pgha.core.agent;

import io.pgha.core.ha.SlotPlan;
import io.pgha.core.ha.SlotsSeen;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.ReplicationSlot;
import io.pgha.core.postgres.ReplicationSlots;
import io.pgha.patroni.ClusterView;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's physical replication slots: observes them for the decision (remembering since when
 * each unused one has been so) and carries out the {@link SlotPlan} it made.
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
   * The physical slots on the server, the slots the view's other members want, and since when each
   * slot that neither a member wants nor a connection uses has been so.
   *
   * @throws PostgresControlException when the server does not answer
   */
  SlotsSeen observe(ClusterView view, long nowNanos) {
    Set<String> wanted =
        view.members().keySet().stream()
            .filter(member -> !member.equals(name))
            .map(ReplicationSlots::slotNameFor)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> present = new TreeSet<>();
    for (ReplicationSlot slot : postgres.replication().slots()) {
      if (!"physical".equals(slot.type())) {
        continue;
      }
      present.add(slot.name());
      if (wanted.contains(slot.name()) || slot.active()) {
        unusedSinceNanos.remove(slot.name());
      } else {
        unusedSinceNanos.putIfAbsent(slot.name(), nowNanos);
      }
    }
    unusedSinceNanos.keySet().retainAll(present);
    return new SlotsSeen(wanted, present, unusedSinceNanos);
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
    } catch (PostgresControlException e) {
      LOG.warn("[{}] could not update replication slots: {}", name, e.getMessage());
    }
  }
}
