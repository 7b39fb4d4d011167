package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the data directory with a copy of another member, trying each configured {@link
 * ReplicaCreator} in order. It neither starts nor stops PostgreSQL: the caller ({@link
 * RoleChanges}) makes sure it is stopped.
 */
final class ReplicaCloner {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaCloner.class);

  private final PostgresConfig config;
  private final PostgresTools tools;
  private final DataDirectory dataDir;

  ReplicaCloner(PostgresConfig config, PostgresTools tools, DataDirectory dataDir) {
    this.config = config;
    this.tools = tools;
    this.dataDir = dataDir;
  }

  /**
   * Clones {@code leader} into the (empty or absent) data directory; a non-empty one is emptied
   * only when {@link PostgresConfig#removeDataDirAllowed()}.
   *
   * @throws PostgresControlException CLONE_FAILED (naming every strategy's cause),
   *     DATA_DIR_NOT_EMPTY, DATA_DIR_NOT_OWNED
   */
  void clone(Upstream leader, Duration timeout) {
    clone(leader, timeout, config.removeDataDirAllowed());
  }

  /**
   * Empties the data directory, whatever {@link PostgresConfig#removeDataDirAllowed()} says, and
   * clones {@code leader} into it: an operator asked for it ({@code POST /reinitialize}).
   */
  void reclone(Upstream leader, Duration timeout) {
    clone(leader, timeout, true);
  }

  /**
   * Clones the primary cluster's primary for a standby cluster's first member: no slot there (the
   * primary cluster keeps none for this one's members).
   */
  void cloneWithoutSlot(Upstream remote, Duration timeout) {
    clone(remote, timeout, config.removeDataDirAllowed(), false);
  }

  private void clone(Upstream leader, Duration timeout, boolean mayEmpty) {
    clone(leader, timeout, mayEmpty, config.useSlots());
  }

  private void clone(Upstream leader, Duration timeout, boolean mayEmpty, boolean slot) {
    dataDir.prepareEmpty(mayEmpty, "creating a replica");
    List<String> failures = new ArrayList<>();
    for (ReplicaCreator creator : config.replicaCreators()) {
      CloneRequest request =
          new CloneRequest(
              config.name(),
              config.dataDir(),
              leader,
              config.replication(),
              slot && !config.noStream() ? config.slotName() : null,
              timeout,
              tools);
      try {
        LOG.info("{}: creating a replica of {} with {}", config.name(), leader, creator.name());
        creator.createReplica(request);
        if (!dataDir.isInitialized()) {
          throw new PostgresControlException(
              Kind.CLONE_FAILED, creator.name() + " left no cluster in " + config.dataDir());
        }
        LOG.info("{}: created a replica of {} with {}", config.name(), leader, creator.name());
        return;
      } catch (RuntimeException e) {
        LOG.warn("{}: {} failed: {}", config.name(), creator.name(), e.getMessage());
        failures.add(creator.name() + ": " + e.getMessage());
        if (!emptyAfterFailure(mayEmpty)) {
          break;
        }
      }
    }
    throw new PostgresControlException(
        Kind.CLONE_FAILED,
        "creating a replica of " + leader + " failed: " + String.join("; ", failures));
  }

  /** Whether the next strategy finds an empty directory (emptied when allowed). */
  private boolean emptyAfterFailure(boolean mayEmpty) {
    try {
      if (!Files.exists(config.dataDir())) {
        return true;
      }
      boolean empty;
      try (var list = Files.list(config.dataDir())) {
        empty = list.findAny().isEmpty();
      }
      if (empty) {
        return true;
      }
      if (mayEmpty) {
        dataDir.empty();
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
