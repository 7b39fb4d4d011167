package io.pgha.core.agent;

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
 * On the leader, keeps one physical replication slot per other member, as Patroni does: created
 * when a member appears, dropped (when inactive) once its member key has been gone for two ttl, so
 * that a departed member does not make the primary keep WAL forever, while a member that is being
 * cloned (its slot made by pg_basebackup before its key exists) or briefly away keeps its slot.
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

  void sync(ClusterView view, long graceNanos) {
    Set<String> wanted =
        view.members().keySet().stream()
            .filter(member -> !member.equals(name))
            .map(ReplicationSlots::slotNameFor)
            .collect(Collectors.toCollection(TreeSet::new));
    long now = System.nanoTime();
    try {
      Set<String> present = new TreeSet<>();
      for (ReplicationSlot slot : postgres.replicationSlots()) {
        if (!"physical".equals(slot.type())) {
          continue;
        }
        present.add(slot.name());
        if (wanted.contains(slot.name()) || slot.active()) {
          unusedSinceNanos.remove(slot.name());
        } else if (now - unusedSinceNanos.computeIfAbsent(slot.name(), k -> now) > graceNanos) {
          postgres.dropReplicationSlot(slot.name());
          unusedSinceNanos.remove(slot.name());
          LOG.info("[{}] dropped replication slot {}: no member uses it", name, slot.name());
        }
      }
      for (String slot : wanted) {
        if (!present.contains(slot)) {
          postgres.createReplicationSlot(slot);
          LOG.info("[{}] created replication slot {}", name, slot);
        }
      }
    } catch (PostgresControlException e) {
      LOG.warn("[{}] could not update replication slots: {}", name, e.getMessage());
    }
  }
}
