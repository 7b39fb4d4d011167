package io.pgha.examples.demo;

import java.util.Locale;

/**
 * What the scripted scenario showed, as the client and the cluster saw it.
 *
 * @param firstLeader the leader whose host was killed
 * @param newLeader the member promoted after the kill
 * @param rtoSeconds write unavailability after the kill, measured by the client: from the last
 *     write acknowledged by the old leader to the first acknowledged by another member
 * @param failoverWriteErrors writes that failed from the kill until writes resumed
 * @param readsDuringFailover reads served from the kill until writes resumed
 * @param readPauseSeconds the longest pause between two successful reads from the kill until a few
 *     seconds after writes resumed
 * @param oldLeaderRejoined whether the old leader came back as a streaming replica
 * @param rejoinedFollows the member the old leader streams from after it came back
 * @param frozenLeader the leader whose host was frozen (SIGSTOP of agent and PostgreSQL)
 * @param leaderAfterFreeze the member promoted while it was frozen
 * @param freezeRtoSeconds write unavailability after the freeze, measured by the client
 * @param freezeWriteErrors writes that failed from the freeze until writes resumed
 * @param frozenLeaderRejoined whether the frozen leader, thawed, came back as a streaming replica
 * @param switchoverFrom the leader asked to hand over
 * @param switchoverTo the candidate named in the request
 * @param leaderAfterSwitchover the member that runs as primary afterwards
 * @param switchoverFailedWrites writes that failed from the request until writes resumed on the new
 *     leader, plus a moment
 * @param switchoverPauseSeconds how long writes paused: from the last write acknowledged by the old
 *     leader to the first acknowledged by the new one
 * @param acknowledgedWrites writes acknowledged to the client over the whole run
 * @param acknowledgedWritesLost acknowledged writes the final leader does not have
 */
record DemoSummary(
    String firstLeader,
    String newLeader,
    double rtoSeconds,
    long failoverWriteErrors,
    long readsDuringFailover,
    double readPauseSeconds,
    boolean oldLeaderRejoined,
    String rejoinedFollows,
    String frozenLeader,
    String leaderAfterFreeze,
    double freezeRtoSeconds,
    long freezeWriteErrors,
    boolean frozenLeaderRejoined,
    String switchoverFrom,
    String switchoverTo,
    String leaderAfterSwitchover,
    long switchoverFailedWrites,
    double switchoverPauseSeconds,
    long acknowledgedWrites,
    long acknowledgedWritesLost) {

  boolean switchoverMovedLeader() {
    return leaderAfterSwitchover != null && !leaderAfterSwitchover.equals(switchoverFrom);
  }

  /** The summary as the terminal prints it: a title line, then {@link #body()}. */
  String text() {
    return String.format(Locale.ROOT, "summary%n%s", body());
  }

  /** The summary's lines without a title, for a page that gives the box its own title. */
  String body() {
    return String.format(
        Locale.ROOT,
        "  host failure of the leader %s: %s was elected; writes unavailable %.2f s (RTO,"
            + " measured by the client), %d writes failed meanwhile, %d reads served meanwhile"
            + " (longest pause between reads %.2f s)%n"
            + "  %s rejoined: %s%n"
            + "  frozen host of the leader %s (kill -STOP): %s was elected; writes unavailable"
            + " %.2f s, %d writes failed meanwhile; thawed, it %s%n"
            + "  planned switchover %s -> %s: leader now %s; failed writes during the switchover:"
            + " %d (writes paused %.2f s)%n"
            + "  acknowledged writes: %d, lost: %d (asynchronous replication: a host failure may"
            + " lose the last writes; pgha fails over only when the lag is within"
            + " maximum_lag_on_failover)",
        firstLeader,
        newLeader,
        rtoSeconds,
        failoverWriteErrors,
        readsDuringFailover,
        readPauseSeconds,
        firstLeader,
        oldLeaderRejoined
            ? "yes, as a replica streaming from " + rejoinedFollows
            : "NO (it did not stream in time)",
        frozenLeader,
        leaderAfterFreeze,
        freezeRtoSeconds,
        freezeWriteErrors,
        frozenLeaderRejoined ? "rejoined as a replica" : "did NOT stream in time",
        switchoverFrom,
        switchoverTo,
        leaderAfterSwitchover,
        switchoverFailedWrites,
        switchoverPauseSeconds,
        acknowledgedWrites,
        acknowledgedWritesLost);
  }
}
