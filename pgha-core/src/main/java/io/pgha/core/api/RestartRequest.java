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

  /**
   * Patroni's {@code restart_matches}: why this member does not meet the request's conditions, or
   * empty when it does (or sets none).
   *
   * @param running the role PostgreSQL runs in now
   * @param serverVersion its {@code server_version_num}, when known
   * @param pendingRestartNow whether a changed parameter waits for a restart
   */
  public Optional<String> mismatch(
      Role running, Optional<Integer> serverVersion, boolean pendingRestartNow) {
    if (role.isPresent() && role.get() != running) {
      return Optional.of("host role mismatch");
    }
    if (postgresVersion.isPresent()
        && serverVersion.isPresent()
        && postgresVersion.get() <= serverVersion.get()) {
      return Optional.of("postgres version mismatch");
    }
    if (restartPending && !pendingRestartNow) {
      return Optional.of("pending restart flag is not set");
    }
    return Optional.empty();
  }

  /** The same conditions, to be met now (what a scheduled restart runs at its time). */
  public RestartRequest withoutSchedule() {
    return new RestartRequest(Optional.empty(), role, postgresVersion, timeout, restartPending);
  }

  /** An unconditional restart now. */
  public static RestartRequest now() {
    return new RestartRequest(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }
}
