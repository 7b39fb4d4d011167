package io.pgha.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one probe client saw around a fault, computed from its attempts. Unavailability is the
 * longest gap between consecutive acknowledgements in the window that starts at the last
 * acknowledgement before the fault and ends with the observation; a client that got nothing
 * acknowledged after the fault counts until the end of the window.
 */
final class Unavailability {
  private Unavailability() {}

  /**
   * The longest gap, in nanoseconds, between consecutive successful attempts of one kind that end
   * within {@code [fault, end]}, starting from the last success before {@code fault} (or from
   * {@code fault} when there was none) and closing at {@code end} when nothing succeeded after the
   * last one.
   */
  static long longestGapNanos(List<Attempt> attempts, boolean write, long fault, long end) {
    long previous = fault;
    boolean sawAfter = false;
    long gap = 0;
    for (Attempt a : attempts) {
      if (a.write() != write || !a.ok()) {
        continue;
      }
      if (a.endNanos() - fault < 0) {
        previous = a.endNanos();
        continue;
      }
      if (a.endNanos() - end > 0) {
        break;
      }
      gap = Math.max(gap, a.endNanos() - previous);
      previous = a.endNanos();
      sawAfter = true;
    }
    return sawAfter ? gap : Math.max(gap, end - previous);
  }

  /**
   * From {@code since} to the end of the first successful attempt of one kind that ended after it
   * and by {@code end}, in nanoseconds; -1 when there was none.
   */
  static long firstSuccessAfterNanos(List<Attempt> attempts, boolean write, long since, long end) {
    for (Attempt a : attempts) {
      if (a.write() == write && a.ok() && a.endNanos() - since > 0 && end - a.endNanos() >= 0) {
        return a.endNanos() - since;
      }
    }
    return -1;
  }

  /** The attempts of one kind that ended within {@code [from, to]}. */
  static List<Attempt> between(List<Attempt> attempts, boolean write, long from, long to) {
    return attempts.stream()
        .filter(a -> a.write() == write && a.endNanos() - from >= 0 && to - a.endNanos() >= 0)
        .toList();
  }

  /** Failures by kind of error (digits masked so that ports and pids do not split a kind). */
  static Map<String, Integer> errorKinds(List<Attempt> attempts) {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Attempt a : attempts) {
      if (!a.ok()) {
        kinds.merge(normalize(a.error()), 1, Integer::sum);
      }
    }
    return kinds;
  }

  static String normalize(String error) {
    String e = error == null ? "unknown" : error.replaceAll("\\s+", " ").trim();
    // The SQLState stays readable; numbers in the message (ports, pids, ids, ms) do not.
    int space = e.indexOf(' ');
    String state = space > 0 ? e.substring(0, space) : e;
    String message = space > 0 ? e.substring(space + 1).replaceAll("[0-9]+", "#") : "";
    String kind = (state + " " + message).trim();
    return kind.length() > 110 ? kind.substring(0, 107) + "..." : kind;
  }
}
