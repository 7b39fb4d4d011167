package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.Situation.seconds;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The running primary's leader key was deleted under it (an operator's {@code patronictl remove}),
 * not taken by another member, while the lease it led on is confirmed alive. As Patroni's leader,
 * which finds itself the healthiest member and takes the key again, it creates the key again on
 * that lease, only if the key is still absent, and goes on as the primary: no fence, no new
 * timeline. If the key cannot be created (another member did first) it demotes at once; if it is
 * still absent at the lease deadline it had when it was deleted, too.
 *
 * <p>Safe because while the key is absent no other member holds it, so none can have promoted, and
 * a create-if-absent transaction either makes this member the holder again (nobody could have
 * written the key in between) or fails, and this member fences as for a key taken (fencing.md).
 */
final class VacatedLeaderKey {
  private VacatedLeaderKey() {}

  static Optional<Decision> decide(Situation s) {
    OptionalLong until = s.local().leaderKeyVacatedUntilNanos();
    // A primary tagged nofailover (tags changed while it led) gives the free key up, as before;
    // paused, the running primary takes the free key anyway and nothing is demoted by the plan.
    if (until.isEmpty()
        || s.paused()
        || !s.view().isUnlocked()
        || !s.local().isReadWrite()
        || !s.me().tags().isFailoverCandidate()) {
      return Optional.empty();
    }
    long left = until.getAsLong() - s.now().nanos();
    if (left <= 0) {
      return Optional.of(
          Decision.of(
              "demoting self at once: my leader key was deleted and is still absent "
                  + seconds(-left)
                  + " after the lease deadline it had then",
              Action.of(DEMOTE)));
    }
    return Optional.of(
        Decision.of(
            "my leader key was deleted (not taken by another member) and my lease is confirmed"
                + " alive for "
                + seconds(left)
                + ": creating the key again on it, only if still absent, and staying primary",
            Action.of(ACQUIRE_LEADER).otherwise(Action.of(DEMOTE))));
  }
}
