package io.pgha.core.postgres;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link ReplicaCreator} needs to create a replica.
 *
 * @param memberName the new replica's member name
 * @param dataDir the empty data directory to fill
 * @param source the member to copy from (the leader); null when the cluster has no leader and only
 *     the {@link ReplicaCreator#worksWithoutLeader()} creators are tried
 * @param replication the replication role (its password goes in a 0600 password file, never on a
 *     command line)
 * @param slotName the physical replication slot to create for the new replica on the source, or
 *     null when slots are not used
 * @param timeout how long the copy may take
 * @param tools the binaries and a way to run them as the PostgreSQL OS user
 */
public record CloneRequest(
    String memberName,
    Path dataDir,
    Upstream source,
    RoleCredentials replication,
    String slotName,
    Duration timeout,
    PostgresTools tools) {}
