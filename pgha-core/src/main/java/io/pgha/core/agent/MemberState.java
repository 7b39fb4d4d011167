package io.pgha.core.agent;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What this agent remembers between cycles about its own PostgreSQL, beyond what a probe shows:
 * whom it follows, whether a rejoin failed, since when PostgreSQL is down, how its data directory
 * was last used, and the state it publishes. Written by the loop and the fencing reflex.
 */
final class MemberState {

  /** One consistent copy of the remembered facts. */
  record Facts(
      Optional<String> following,
      boolean rejoinFailed,
      OptionalLong postgresDownSinceNanos,
      boolean lastRunAsPrimary,
      Optional<String> systemIdentifier,
      String state) {

    Facts withFollowing(Optional<String> v) {
      return new Facts(
          v, rejoinFailed, postgresDownSinceNanos, lastRunAsPrimary, systemIdentifier, state);
    }

    Facts withRejoinFailed(boolean v) {
      return new Facts(
          following, v, postgresDownSinceNanos, lastRunAsPrimary, systemIdentifier, state);
    }

    Facts withDownSince(OptionalLong v) {
      return new Facts(following, rejoinFailed, v, lastRunAsPrimary, systemIdentifier, state);
    }

    Facts withLastRunAsPrimary(boolean v) {
      return new Facts(following, rejoinFailed, postgresDownSinceNanos, v, systemIdentifier, state);
    }

    Facts withSystemIdentifier(Optional<String> v) {
      return new Facts(following, rejoinFailed, postgresDownSinceNanos, lastRunAsPrimary, v, state);
    }

    Facts withState(String v) {
      return new Facts(
          following, rejoinFailed, postgresDownSinceNanos, lastRunAsPrimary, systemIdentifier, v);
    }
  }

  private final AtomicReference<Facts> facts =
      new AtomicReference<>(
          new Facts(
              Optional.empty(), false, OptionalLong.empty(), false, Optional.empty(), "stopped"));

  Facts get() {
    return facts.get();
  }

  void update(UnaryOperator<Facts> change) {
    facts.updateAndGet(change);
  }

  /** Now a replica streaming from {@code member}: a successful rejoin clears the failure. */
  void following(String member) {
    update(
        f ->
            f.withFollowing(Optional.ofNullable(member))
                .withRejoinFailed(false)
                .withLastRunAsPrimary(false));
  }

  /** Now a primary. */
  void primary() {
    update(
        f -> f.withFollowing(Optional.empty()).withRejoinFailed(false).withLastRunAsPrimary(true));
  }

  /**
   * Records what a probe saw: up (in which role) or down since when; {@code lastRunAsPrimary} and
   * {@code systemIdentifier} are null when unknown.
   */
  void observed(boolean up, Boolean lastRunAsPrimary, String systemIdentifier, long nowNanos) {
    update(
        f -> {
          Facts next =
              up
                  ? f.withDownSince(OptionalLong.empty())
                  : f.withDownSince(
                      f.postgresDownSinceNanos().isPresent()
                          ? f.postgresDownSinceNanos()
                          : OptionalLong.of(nowNanos));
          if (lastRunAsPrimary != null) {
            next = next.withLastRunAsPrimary(lastRunAsPrimary);
          }
          return systemIdentifier == null
              ? next
              : next.withSystemIdentifier(Optional.of(systemIdentifier));
        });
  }
}
