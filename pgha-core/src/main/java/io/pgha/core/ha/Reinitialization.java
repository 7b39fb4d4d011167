package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.REINITIALIZE;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;

import java.util.Optional;

/**
 * An operator's request to throw this member's data directory away and clone it again ({@code POST
 * /reinitialize}, {@code patronictl reinit}), as Patroni's: never on the leader, only while a
 * leader exists, also in pause mode; the copy comes from a running member tagged {@code clonefrom}
 * or else the leader, and PostgreSQL then starts as a replica of the leader.
 */
final class Reinitialization {
  private Reinitialization() {}

  /** The decision for a pending request, or empty when there is none or it cannot be honoured. */
  static Optional<Decision> requested(Situation s) {
    if (!s.local().reinitializeRequested() || s.iAmLeader()) {
      return Optional.empty();
    }
    Optional<String> leader = s.otherLeader();
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    CloneSource source =
        CloneSource.choose(s)
            .orElse(new CloneSource(leader.get(), "the leader (" + leader.get() + ")"));
    return Optional.of(
        Decision.of(
            HaDecider.pausePrefix(s)
                + "reinitializing on request: removing my data directory and cloning from "
                + source.why(),
            Action.of(REINITIALIZE, source.member()),
            Action.of(START_AS_REPLICA, leader.get())));
  }
}
