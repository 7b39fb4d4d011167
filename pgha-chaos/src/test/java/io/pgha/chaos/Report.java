package io.pgha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Writes a run's report (Markdown) and its full history (tab-separated) under the report dir. */
final class Report {
  private Report() {}

  static Path write(ChaosSettings s, History h, Verdict v, long endNanos) {
    try {
      Files.createDirectories(s.reportDir());
      String base = s.name() + "-seed" + s.seed();
      Path history = s.reportDir().resolve(base + "-history.tsv");
      Files.write(history, historyLines(h));
      Path report = s.reportDir().resolve(base + ".md");
      Files.writeString(report, markdown(s, h, v, endNanos, history.getFileName().toString()));
      return report;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chaos report under " + s.reportDir(), e);
    }
  }

  private static List<String> historyLines(History h) {
    record Line(long nanos, String text) {}
    List<Line> lines = new ArrayList<>();
    for (WriteOp w : h.writes()) {
      lines.add(
          new Line(
              w.invokeNanos(),
              f(
                  "%.3f\tinvoke\twrite\tc%d\t%d",
                  h.secondsOf(w.invokeNanos()), w.client(), w.value())));
      lines.add(
          new Line(
              w.completeNanos(),
              f(
                  "%.3f\t%s\twrite\tc%d\t%d\tport=%d\ttimeline=%d\tlsn=%d\tserver_us=%d\t%s",
                  h.secondsOf(w.completeNanos()),
                  w.outcome().name().toLowerCase(Locale.ROOT),
                  w.client(),
                  w.value(),
                  w.port(),
                  w.timeline(),
                  w.lsn(),
                  w.serverMicros(),
                  w.error() == null ? "" : w.error().replace('\t', ' ').replace('\n', ' '))));
    }
    for (ReadOp r : h.reads()) {
      lines.add(
          new Line(
              r.completeNanos(),
              f(
                  "%.3f\t%s\tread\tc%d\t%d\tfound=%s\tport=%d",
                  h.secondsOf(r.completeNanos()),
                  r.outcome().name().toLowerCase(Locale.ROOT),
                  r.client(),
                  r.value(),
                  r.found(),
                  r.port())));
    }
    for (NemesisOp n : h.faults()) {
      lines.add(
          new Line(
              n.startNanos(),
              f(
                  "%.3f\tstart\tnemesis\t%s\t%s\t%s",
                  h.secondsOf(n.startNanos()), n.fault(), n.victim(), n.note())));
      lines.add(
          new Line(
              n.healNanos(),
              f("%.3f\theal\tnemesis\t%s\t%s", h.secondsOf(n.healNanos()), n.fault(), n.victim())));
    }
    lines.sort(Comparator.comparingLong(Line::nanos));
    return lines.stream().map(Line::text).toList();
  }

  private static String markdown(
      ChaosSettings s, History h, Verdict v, long endNanos, String historyFile) {
    StringBuilder md = new StringBuilder();
    md.append(f("# Chaos run `%s`, seed %d%n%n", s.name(), s.seed()));
    md.append(
        f(
            "Duration %s, %d clients, %s mode (maximum_lag_on_failover %d bytes), ttl %s, loop_wait %s, retry_timeout %s. History: `%s`.%n%n",
            s.duration(),
            s.clients(),
            s.synchronous() ? "synchronous" : "asynchronous",
            s.synchronous() ? 0 : s.maximumLagOnFailover(),
            s.ttl(),
            s.loopWait(),
            s.retryTimeout(),
            historyFile));
    h.notes().forEach(n -> md.append("**Note:** ").append(n).append("\n\n"));
    md.append(f("## Verdict: %s%n%n", v.passed() ? "PASSED" : "FAILED"));
    v.problems().forEach(p -> md.append("- ").append(p).append('\n'));
    md.append(
        f(
            "%n| writes acknowledged | failed | unknown (present at end) | acknowledged lost | failed but present | overlapping writes | ambiguous | read-back misses | converged after last heal |%n|---|---|---|---|---|---|---|---|---|%n| %d | %d | %d (%d) | %d | %d | %d | %d | %d | %s |%n%n",
            v.acknowledged(),
            v.failed(),
            v.unknown(),
            v.unknownPresent(),
            v.lostCount(),
            v.failedButPresent().size(),
            v.overlaps().size(),
            v.ambiguousOverlaps(),
            v.missingReads(),
            v.convergedAfterMillis() < 0 ? "NO" : v.convergedAfterMillis() + " ms"));
    if (!v.lost().isEmpty()) {
      md.append(
          "### Lost acknowledged writes\n\n| primary port | timeline | count | WAL bytes | within maximum_lag_on_failover | first values |\n|---|---|---|---|---|---|\n");
      for (Verdict.Loss l : v.lost()) {
        md.append(
            f(
                "| %d | %d | %d | %d | %s | %s |%n",
                l.port(),
                l.timeline(),
                l.count(),
                l.walBytes(),
                l.withinBound(s.maximumLagOnFailover()) ? "yes" : "NO",
                l.values()));
      }
      md.append('\n');
    }
    if (!v.overlaps().isEmpty()) {
      md.append(
          "### Overlapping writes (first 20)\n\n| value | port | timeline | server time (µs) | successor port | successor timeline | successor since (µs) |\n|---|---|---|---|---|---|---|\n");
      v.overlaps().stream()
          .limit(20)
          .forEach(
              o ->
                  md.append(
                      f(
                          "| %d | %d | %d | %d | %d | %d | %d |%n",
                          o.write().value(),
                          o.write().port(),
                          o.write().timeline(),
                          o.write().serverMicros(),
                          o.successor().port(),
                          o.successor().timeline(),
                          o.successor().micros())));
      md.append('\n');
    }
    md.append(
        "## Faults\n\n| start (s) | fault | victim | healed (s) | converged (s) | longest write outage (s) | note |\n|---|---|---|---|---|---|---|\n");
    List<Long> acks =
        h.writes().stream()
            .filter(w -> w.outcome() == Outcome.OK)
            .map(WriteOp::completeNanos)
            .sorted()
            .toList();
    for (NemesisOp n :
        h.faults().stream().sorted(Comparator.comparingLong(NemesisOp::startNanos)).toList()) {
      long end = n.convergedNanos() < 0 ? n.healNanos() : n.convergedNanos();
      md.append(
          f(
              "| %.1f | %s | %s | %.1f | %s | %.1f | %s |%n",
              h.secondsOf(n.startNanos()),
              n.fault(),
              n.victim(),
              h.secondsOf(n.healNanos()),
              n.convergedNanos() < 0 ? "NO" : f("%.1f", h.secondsOf(n.convergedNanos())),
              outage(acks, n.startNanos(), end) / 1e9,
              n.note()));
    }
    md.append(
        "\n## Availability (acknowledged / failed / unknown writes per 10 s; * = a fault is active; bar = acknowledged)\n\n```\n");
    long bucket = 10_000_000_000L;
    long widest = 1;
    for (long t = h.startNanos(); t - endNanos < 0; t += bucket) {
      widest = Math.max(widest, count(h, Outcome.OK, t, t + bucket));
    }
    for (long t = h.startNanos(); t - endNanos < 0; t += bucket) {
      long from = t;
      long to = t + bucket;
      long ok = count(h, Outcome.OK, from, to);
      long failed = count(h, Outcome.FAIL, from, to);
      long unknown = count(h, Outcome.UNKNOWN, from, to);
      boolean faulty =
          h.faults().stream().anyMatch(n -> n.startNanos() - to < 0 && n.healNanos() - from > 0);
      md.append(
          f(
              "%6.0fs %s %5d %4d %3d %s%n",
              h.secondsOf(from),
              faulty ? "*" : " ",
              ok,
              failed,
              unknown,
              "#".repeat((int) (60 * ok / widest))));
    }
    md.append("```\n");
    return md.toString();
  }

  private static long count(History h, Outcome outcome, long from, long to) {
    return h.writes().stream()
        .filter(
            w ->
                w.outcome() == outcome
                    && w.completeNanos() - from >= 0
                    && w.completeNanos() - to < 0)
        .count();
  }

  /** The longest time without an acknowledged write between {@code from} and {@code to}. */
  static long outage(List<Long> acks, long from, long to) {
    long previous = from;
    long longest = 0;
    for (long a : acks) {
      if (a - from < 0) {
        continue;
      }
      longest = Math.max(longest, a - previous);
      previous = a;
      if (a - to > 0) {
        return longest;
      }
    }
    return Math.max(longest, to - previous);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
