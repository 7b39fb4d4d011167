package io.pgha.core.postgres;

/**
 * Decides whether a stopped data directory can follow a leader as it is or must be rewound first.
 * Pure: the inputs are what pg_controldata says locally and what the leader reports.
 */
final class DivergenceCheck {

  /**
   * The verdict.
   *
   * @param rewindNeeded whether pg_rewind must run
   * @param reason a plain sentence saying why
   */
  record Verdict(boolean rewindNeeded, String reason) {}

  private DivergenceCheck() {}

  /**
   * Compares the local history to the leader's. The local history has diverged when the leader left
   * our timeline before the end of what we have: a former primary whose shutdown checkpoint lies at
   * or after the switch point wrote WAL the leader never received; a standby that replayed past the
   * switch point applied WAL the leader does not have. When the local state is not a clean
   * shutdown, its end of WAL is unknown, so it is rewound (pg_rewind finds out itself when nothing
   * needs changing).
   *
   * @param local the local pg_controldata
   * @param leaderTimeline the leader's current timeline
   * @param leaderHistory the leader's timeline history (null when the leader is on timeline 1)
   */
  static Verdict check(ControlData local, int leaderTimeline, TimelineHistory leaderHistory) {
    int localTimeline = Math.max(local.timeline(), local.minRecoveryEndTimeline());
    boolean clean = local.cleanPrimaryShutdown() || local.cleanStandbyShutdown();
    if (!clean) {
      return new Verdict(
          true,
          "the data directory was not shut down cleanly ("
              + local.state()
              + "), so its end of WAL is unknown: rewinding to be safe");
    }
    if (localTimeline == leaderTimeline) {
      return new Verdict(
          false, "local and leader are on the same timeline " + localTimeline + ": no divergence");
    }
    if (localTimeline > leaderTimeline) {
      return new Verdict(
          true,
          "local timeline "
              + localTimeline
              + " is ahead of the leader's timeline "
              + leaderTimeline
              + ": its history diverged");
    }
    var switchPoint =
        leaderHistory == null
            ? java.util.Optional.<Lsn>empty()
            : leaderHistory.switchPointOf(localTimeline);
    if (switchPoint.isEmpty()) {
      return new Verdict(
          true,
          "local timeline "
              + localTimeline
              + " is not in the leader's history of timeline "
              + leaderTimeline
              + ": its history diverged");
    }
    Lsn end = local.knownEnd();
    Lsn switchLsn = switchPoint.get();
    boolean diverged =
        local.cleanPrimaryShutdown() ? !switchLsn.isAfter(end) : end.isAfter(switchLsn);
    String where =
        (local.cleanPrimaryShutdown() ? "shutdown checkpoint " : "replayed position ")
            + end
            + " against the leader's switch from timeline "
            + localTimeline
            + " at "
            + switchLsn;
    return diverged
        ? new Verdict(true, "local history diverged: " + where)
        : new Verdict(false, "local history is a prefix of the leader's: " + where);
  }
}
