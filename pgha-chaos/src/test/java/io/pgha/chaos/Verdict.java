package io.pgha.chaos;

import java.util.List;

/**
 * What the checker found.
 *
 * @param acknowledged writes whose commit returned
 * @param failed writes that certainly did not commit
 * @param unknown writes whose commit may or may not have happened
 * @param lost acknowledged writes missing at the end, by the primary that acknowledged them
 * @param failedButPresent "failed" writes found at the end (the client was told something false)
 * @param unknownPresent indeterminate writes found at the end (either is correct)
 * @param overlaps acknowledged writes of a deposed primary after its successor took writes
 * @param ambiguousOverlaps writes acknowledged after a successor's promotion whose commit may have
 *     happened before it (not violations; reported for insight)
 * @param missingReads read-backs from the leader that did not find an acknowledged value
 * @param convergedAfterMillis how long the cluster took to converge after the last heal, -1 if not
 *     within the bound
 * @param synchronous whether zero loss was required
 * @param maximumLagOnFailover the loss bound of asynchronous mode
 */
record Verdict(
    int acknowledged,
    int failed,
    int unknown,
    List<Loss> lost,
    List<WriteOp> failedButPresent,
    int unknownPresent,
    List<Overlap> overlaps,
    int ambiguousOverlaps,
    int missingReads,
    long convergedAfterMillis,
    boolean synchronous,
    long maximumLagOnFailover) {

  /** Acknowledged writes of one primary and timeline that are gone, and the WAL they spanned. */
  record Loss(int port, int timeline, int count, long walBytes, List<Long> values) {
    boolean withinBound(long maximumLagOnFailover) {
      return walBytes <= maximumLagOnFailover;
    }
  }

  /** An acknowledged write of {@code write.port()} after {@code successor} took writes. */
  record Overlap(WriteOp write, Promotion successor) {}

  int lostCount() {
    return lost.stream().mapToInt(Loss::count).sum();
  }

  /**
   * Whether the run passed: nothing lost in synchronous mode (asynchronous mode reports losses, it
   * does not fail on them), no failed write present, no overlapping primaries, converged.
   */
  boolean passed() {
    return problems().isEmpty();
  }

  List<String> problems() {
    List<String> p = new java.util.ArrayList<>();
    if (synchronous && lostCount() > 0) {
      p.add(lostCount() + " acknowledged writes lost in synchronous mode");
    }
    if (!failedButPresent.isEmpty()) {
      p.add(failedButPresent.size() + " writes reported failed are present");
    }
    if (!overlaps.isEmpty()) {
      p.add(
          overlaps.size()
              + " acknowledged writes of a deposed primary after its successor's promotion");
    }
    if (convergedAfterMillis < 0) {
      p.add("the cluster did not converge after the last heal");
    }
    return p;
  }
}
