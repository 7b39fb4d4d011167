package io.pgha.core.postgres;

/**
 * A way to fill an empty data directory with a copy of the leader (Patroni's {@code
 * create_replica_methods}). {@link BaseBackupReplicaCreator} is built in; others (restore from a
 * backup repository, a snapshot) plug in through {@link
 * io.pgha.core.PghaAgent.Builder#replicaCreators}. pgha tries the configured creators in order
 * until one succeeds, then writes its own configuration files and starts the standby.
 */
public interface ReplicaCreator {

  /** A short name for logs and error messages, e.g. {@code basebackup}. */
  String name();

  /**
   * Fills {@code request.dataDir()}, which exists, is empty (unless {@link #keepsData()}) and
   * belongs to the PostgreSQL OS user. On failure, leave the directory empty if possible and throw.
   *
   * @throws PostgresControlException of kind CLONE_FAILED naming the cause, never a password
   */
  void createReplica(CloneRequest request);

  /**
   * Whether it can create a replica without a member to copy from (Patroni's {@code no_leader}: a
   * restore from a backup repository); {@code request.source()} is then null.
   */
  default boolean worksWithoutLeader() {
    return false;
  }

  /**
   * Whether it is given the data directory as it is (Patroni's {@code keep_data}: a delta restore)
   * rather than emptied first.
   */
  default boolean keepsData() {
    return false;
  }

  /**
   * Whether it creates the data directory itself (Patroni's custom methods): an empty one is then
   * removed before it runs, and the one it made is given mode 0700 afterwards.
   */
  default boolean createsDataDirectory() {
    return false;
  }
}
