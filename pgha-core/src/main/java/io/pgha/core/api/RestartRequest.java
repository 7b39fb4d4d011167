package io.pgha.core.api;

import io.pgha.patroni.Role;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * {@code POST /restart}, validated: restart PostgreSQL now or at {@code schedule}, only if every
 * given condition holds on this member.
 *
 * @param schedule when to restart (in the future, with a zone); empty means now
 * @param role restart only if PostgreSQL has this role ({@code primary}, {@code standby_leader} or
 *     {@code replica})
 * @param postgresVersion restart only if the running server version ({@code server_version_num}) is
 *     lower than this
 * @param timeout give up (and let a replica take over, on a primary) if the restart takes longer
 * @param restartPending restart only if a changed parameter waits for a restart
 */
public record RestartRequest(
    Optional<OffsetDateTime> schedule,
    Optional<Role> role,
    Optional<Integer> postgresVersion,
    Optional<Duration> timeout,
    boolean restartPending) {

  public RestartRequest {
    schedule = schedule == null ? Optional.empty() : schedule;
    role = role == null ? Optional.empty() : role;
    postgresVersion = postgresVersion == null ? Optional.empty() : postgresVersion;
    timeout = timeout == null ? Optional.empty() : timeout;
  }

  /** An unconditional restart now. */
  public static RestartRequest now() {
    return new RestartRequest(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }
}
