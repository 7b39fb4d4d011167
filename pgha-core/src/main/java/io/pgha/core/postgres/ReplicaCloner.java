package io.pgha.core.postgres;

import io.pgha.core.config.ReplicaMethod;
import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
   * Copies the primary cluster for a standby cluster's first member with the {@code methods} {@code
   * standby_cluster.create_replica_methods} names, in its order: no slot there (the primary cluster
   * keeps none for this one's members). Without a {@code remote} host, only the methods that work
   * without one ({@code no_leader}: a restore from the primary cluster's backups).
   */
  void cloneForStandbyCluster(Upstream remote, List<String> methods, Duration timeout) {
    List<ReplicaCreator> creators = new ArrayList<>();
    for (String method : methods) {
      Optional<ReplicaCreator> creator =
          config.replicaCreators().stream().filter(c -> c.name().equals(method)).findFirst();
      if (creator.isEmpty() && method.equals(ReplicaMethod.BASEBACKUP)) {
        creator = Optional.of(new BaseBackupReplicaCreator(config.basebackupOptions()));
      }
      if (creator.isEmpty()) {
        LOG.warn(
            "[{}] standby_cluster.create_replica_methods names {}, which this member's"
                + " postgresql section does not configure: skipped",
            config.name(),
            method);
      } else if (remote == null && !creator.get().worksWithoutLeader()) {
        LOG.info("[{}] {} needs a host to copy from: skipped", config.name(), method);
      } else {
        creators.add(creator.get());
      }
    }
    if (creators.isEmpty()) {
      throw new PostgresControlException(
          Kind.CLONE_FAILED,
          "standby_cluster.create_replica_methods ("
              + methods
              + ") names no method this member can run"
              + (remote == null ? " without a host (no_leader)" : "")
              + "; its postgresql section configures "
              + config.replicaCreators().stream().map(ReplicaCreator::name).toList());
    }
    clone(remote, timeout, config.removeDataDirAllowed(), false, creators);
  }

  /**
   * Creates a replica while the cluster has no leader, with the creators that work without one
   * (Patroni's {@code no_leader} methods: a restore from a backup repository).
   *
   * @throws PostgresControlException CLONE_FAILED when none is configured or all failed
   */
  void cloneWithoutLeader(Duration timeout) {
    List<ReplicaCreator> creators =
        config.replicaCreators().stream().filter(ReplicaCreator::worksWithoutLeader).toList();
    if (creators.isEmpty()) {
      throw new PostgresControlException(
          Kind.CLONE_FAILED,
          "no replica method works without a leader (no_leader) among "
              + config.replicaCreators().stream().map(ReplicaCreator::name).toList());
    }
    clone(null, timeout, config.removeDataDirAllowed(), false, creators);
  }

  private void clone(Upstream leader, Duration timeout, boolean mayEmpty) {
    clone(leader, timeout, mayEmpty, config.useSlots());
  }

  private void clone(Upstream leader, Duration timeout, boolean mayEmpty, boolean slot) {
    clone(leader, timeout, mayEmpty, slot, config.replicaCreators());
  }

  private void clone(
      Upstream leader,
      Duration timeout,
      boolean mayEmpty,
      boolean slot,
      List<ReplicaCreator> creators) {
    String from = leader == null ? "a replica without a leader" : "a replica of " + leader;
    Duration bound =
        timeout.compareTo(config.createReplicaTimeout()) < 0
            ? timeout
            : config.createReplicaTimeout();
    if (creators.isEmpty() || !creators.get(0).keepsData() || !Files.exists(config.dataDir())) {
      dataDir.prepareEmpty(mayEmpty, "creating a replica");
    } else {
      // keep_data (a delta restore): the command gets the data directory as it is.
      LOG.info("[{}] leaving the data directory as it is for {}", config.name(), creators.get(0));
    }
    List<String> failures = new ArrayList<>();
    for (ReplicaCreator creator : creators) {
      CloneRequest request =
          new CloneRequest(
              config.name(),
              config.dataDir(),
              leader,
              config.replication(),
              slot && !config.noStream() ? config.slotName() : null,
              bound,
              tools);
      try {
        LOG.info("[{}] creating {} with {}", config.name(), from, creator.name());
        if (creator.createsDataDirectory()) {
          dataDir.removeIfEmpty();
        } else if (!Files.exists(config.dataDir())) {
          // A custom method before this one failed before creating it.
          dataDir.prepareEmpty(mayEmpty, "creating a replica");
        }
        creator.createReplica(request);
        if (creator.createsDataDirectory()) {
          dataDir.makePrivate();
        }
        if (!dataDir.isInitialized()) {
          throw new PostgresControlException(
              Kind.CLONE_FAILED, creator.name() + " left no cluster in " + config.dataDir());
        }
        LOG.info("[{}] created {} with {}", config.name(), from, creator.name());
        tidy();
        return;
      } catch (RuntimeException | IOException e) {
        LOG.warn("[{}] {} failed: {}", config.name(), creator.name(), e.getMessage());
        failures.add(creator.name() + ": " + e.getMessage());
        if (!emptyAfterFailure(mayEmpty)) {
          break;
        }
      }
    }
    throw new PostgresControlException(
        Kind.CLONE_FAILED, "creating " + from + " failed: " + String.join("; ", failures));
  }

  /** Removes what would override pgha's recovery settings, as Patroni does after a restore. */
  private void tidy() {
    try {
      List<String> removed = RestoredDataDirectory.tidy(config.dataDir());
      if (!removed.isEmpty()) {
        LOG.info(
            "[{}] removed recovery parameters {} from postgresql.auto.conf: pgha writes its own",
            config.name(),
            removed);
      }
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.CLONE_FAILED,
          "could not remove the recovery parameters from "
              + config.dataDir().resolve("postgresql.auto.conf")
              + ": "
              + e.getMessage(),
          e);
    }
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
