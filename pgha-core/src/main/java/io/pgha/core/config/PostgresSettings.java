package io.pgha.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The local PostgreSQL server this member manages.
 *
 * @param dataDir the data directory (absolute)
 * @param binDir where {@code pg_ctl}, {@code initdb} ... are; null to locate them
 * @param listen the address PostgreSQL listens on
 * @param connectAddress the address other members and clients use to reach it
 * @param superuser the superuser the agent connects as
 * @param replication the user replicas stream WAL with
 * @param rewind the user {@code pg_rewind} connects as
 * @param removeDataDirectoryOnRewindFailure whether a failed pg_rewind may be followed by deleting
 *     the data directory and cloning again (Patroni's {@code
 *     remove_data_directory_on_rewind_failure})
 * @param removeDataDirectoryOnDivergedTimelines whether a diverged timeline that cannot be rewound
 *     may be repaired by deleting the data directory and cloning again (Patroni's {@code
 *     remove_data_directory_on_diverged_timelines})
 */
public record PostgresSettings(
    Path dataDir,
    Path binDir,
    HostPort listen,
    HostPort connectAddress,
    Credentials superuser,
    Credentials replication,
    Credentials rewind,
    boolean removeDataDirectoryOnRewindFailure,
    boolean removeDataDirectoryOnDivergedTimelines) {

  /** Where the binaries are, when configured. */
  public Optional<Path> binDirIfSet() {
    return Optional.ofNullable(binDir);
  }
}
