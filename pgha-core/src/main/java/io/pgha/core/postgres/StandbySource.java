package io.pgha.core.postgres;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the standby leader of a standby cluster gets its WAL: the primary cluster's primary (or a
 * load balancer in front of it), through a slot there if one is named, and the WAL archive through
 * {@code restore_command}. Unlike a member's upstream, no slot of this member's name is used: the
 * primary cluster knows nothing of this one's members.
 *
 * @param upstream the remote primary; empty to recover from the archive only
 * @param slotName the slot on the remote primary to stream through, when one is named
 * @param restoreCommand {@code restore_command}, when one is given
 * @param archiveCleanupCommand {@code archive_cleanup_command}, when one is given
 */
public record StandbySource(
    Optional<Upstream> upstream,
    Optional<String> slotName,
    Optional<String> restoreCommand,
    Optional<String> archiveCleanupCommand) {

  public StandbySource {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(slotName, "slotName");
    Objects.requireNonNull(restoreCommand, "restoreCommand");
    Objects.requireNonNull(archiveCleanupCommand, "archiveCleanupCommand");
    if (upstream.isEmpty() && restoreCommand.isEmpty()) {
      throw new IllegalArgumentException("a standby source needs an upstream or restore_command");
    }
  }

  /** A source without an {@code archive_cleanup_command}. */
  public StandbySource(
      Optional<Upstream> upstream, Optional<String> slotName, Optional<String> restoreCommand) {
    this(upstream, slotName, restoreCommand, Optional.empty());
  }

  @Override
  public String toString() {
    return upstream.map(u -> "the primary cluster at " + u).orElse("the WAL archive");
  }
}
