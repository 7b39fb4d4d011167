package io.pgha.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/** Judges a history against the rows present at the end. Pure: no cluster, no clock. */
final class Checker {
  private Checker() {}

  /**
   * @param writes every append of the run
   * @param readMisses read-backs that did not find their acknowledged value
   * @param present the values in the table at the end, read from the converged primary
   * @param promoted the agents' promotions (port, timeline, when)
   * @param convergedAfterMillis time to converge after the last heal, -1 if it did not
   * @param nanosToMicros turns a client's {@link System#nanoTime()} into the servers' clock
   */
  static Verdict check(
      List<WriteOp> writes,
      int readMisses,
      Set<Long> present,
      List<Promotion> promoted,
      long convergedAfterMillis,
      boolean synchronous,
      long maximumLagOnFailover,
      LongUnaryOperator nanosToMicros) {
    List<WriteOp> ok = writes.stream().filter(w -> w.outcome() == Outcome.OK).toList();
    int failed = 0;
    int unknown = 0;
    int unknownPresent = 0;
    List<WriteOp> failedButPresent = new ArrayList<>();
    for (WriteOp w : writes) {
      if (w.outcome() == Outcome.FAIL) {
        failed++;
        if (present.contains(w.value())) {
          failedButPresent.add(w);
        }
      } else if (w.outcome() == Outcome.UNKNOWN) {
        unknown++;
        if (present.contains(w.value())) {
          unknownPresent++;
        }
      }
    }
    List<Promotion> promotions = promotions(ok, promoted);
    List<Verdict.Overlap> overlaps = new ArrayList<>();
    int ambiguous = 0;
    for (WriteOp w : ok) {
      boolean maybe = false;
      for (Promotion p : promotions) {
        if (p.port() == w.port() || p.timeline() < w.timeline()) {
          continue;
        }
        // A higher timeline elsewhere is a successor; the same timeline elsewhere is a fork.
        if (p.timeline() == w.timeline() || w.serverMicros() > p.micros()) {
          overlaps.add(new Verdict.Overlap(w, p));
          maybe = false;
          break;
        }
        if (nanosToMicros.applyAsLong(w.completeNanos()) > p.micros()) {
          maybe = true;
        }
      }
      if (maybe) {
        ambiguous++;
      }
    }
    return new Verdict(
        ok.size(),
        failed,
        unknown,
        losses(ok, present),
        failedButPresent,
        unknownPresent,
        overlaps,
        ambiguous,
        readMisses,
        convergedAfterMillis,
        synchronous,
        maximumLagOnFailover);
  }

  /** The earliest known point of each (port, timeline): the agent's event or the first write. */
  static List<Promotion> promotions(List<WriteOp> ok, List<Promotion> promoted) {
    Map<List<Integer>, Long> earliest = new HashMap<>();
    for (Promotion p : promoted) {
      earliest.merge(List.of(p.port(), p.timeline()), p.micros(), Math::min);
    }
    for (WriteOp w : ok) {
      earliest.merge(List.of(w.port(), w.timeline()), w.serverMicros(), Math::min);
    }
    return earliest.entrySet().stream()
        .map(e -> new Promotion(e.getKey().get(0), e.getKey().get(1), e.getValue()))
        .sorted(Comparator.comparingLong(Promotion::micros))
        .toList();
  }

  private static List<Verdict.Loss> losses(List<WriteOp> ok, Set<Long> present) {
    Map<List<Integer>, List<WriteOp>> byPrimary = new TreeMap<>(Checker::compareKeys);
    for (WriteOp w : ok) {
      byPrimary.computeIfAbsent(List.of(w.port(), w.timeline()), k -> new ArrayList<>()).add(w);
    }
    List<Verdict.Loss> losses = new ArrayList<>();
    byPrimary.forEach(
        (key, group) -> {
          List<WriteOp> gone = group.stream().filter(w -> !present.contains(w.value())).toList();
          if (gone.isEmpty()) {
            return;
          }
          long firstGone = gone.stream().mapToLong(WriteOp::lsn).min().orElseThrow();
          long lastGone = gone.stream().mapToLong(WriteOp::lsn).max().orElseThrow();
          // The WAL from the last surviving write before the first lost one to the last lost one.
          long base =
              group.stream()
                  .filter(w -> present.contains(w.value()) && w.lsn() < firstGone)
                  .mapToLong(WriteOp::lsn)
                  .max()
                  .orElse(firstGone);
          losses.add(
              new Verdict.Loss(
                  key.get(0),
                  key.get(1),
                  gone.size(),
                  lastGone - base,
                  gone.stream().map(WriteOp::value).sorted().limit(20).toList()));
        });
    return losses;
  }

  private static int compareKeys(List<Integer> a, List<Integer> b) {
    int c = Integer.compare(a.get(1), b.get(1));
    return c != 0 ? c : Integer.compare(a.get(0), b.get(0));
  }
}
