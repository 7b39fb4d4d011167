package io.pgha.benchmarks;

import io.pgha.benchmarks.FleetLatencies.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Merges the reports of several generators that loaded one external etcd in the same window (same
 * {@code fleet.window.at}, disjoint {@code fleet.cluster.offset} ranges) into the report of the
 * whole fleet. etcd's figures are the whole etcd's in every generator's report: the merge takes
 * their mean. The generators' own figures add up (clusters, CPU, threads, counts of lost leases and
 * failed calls); their latency percentiles cannot be added: the merge keeps the worst generator's
 * p50 and p99, and the largest maximum.
 */
final class FleetMerge {
  /** Windows that opened further apart than this are not the same window. */
  static final Duration SAME_WINDOW = Duration.ofSeconds(10);

  private FleetMerge() {}

  /**
   * Reads every {@code results.tsv} of {@code dirs} and writes the merged report into {@code out}.
   */
  static List<FleetResult> run(List<Path> dirs, Path out) {
    List<FleetResult> all = new ArrayList<>();
    for (Path dir : dirs) {
      all.addAll(read(dir.resolve("results.tsv")));
    }
    List<List<FleetResult>> groups = sameWindows(all);
    List<FleetResult> merged = groups.stream().map(FleetMerge::merge).toList();
    StringBuilder b =
        new StringBuilder("# Fleet benchmark: the control plane, generators merged\n\n");
    b.append(
        "Generators that loaded one etcd in the same window, merged. etcd's figures (CPU, RSS, DB,"
            + " rates, leases expired, leader changes) are the whole etcd's in each generator's"
            + " report: here their mean (leases expired and leader changes: the largest). The"
            + " generators' figures are summed (clusters, members, generator CPU and threads,"
            + " leases lost, leadership lost, deadlines passed, call errors, latency samples)."
            + " Latency percentiles do not add up: p50 and p99 are the worst generator's, max the"
            + " largest. Load and machine busy: the busiest generator host.\n\n");
    b.append("Reports merged:\n\n");
    dirs.forEach(d -> b.append("- ").append(d.toAbsolutePath()).append('\n'));
    b.append("\n## Windows\n\n| mode | window opened (UTC) | generators | clusters | notes |\n");
    b.append("|---|---|---:|---:|---|\n");
    for (int i = 0; i < groups.size(); i++) {
      List<FleetResult> g = groups.get(i);
      b.append("| ")
          .append(g.get(0).mode())
          .append(" | ")
          .append(g.get(0).generator().windowStart())
          .append(" | ")
          .append(g.size())
          .append(" | ")
          .append(merged.get(i).clusters())
          .append(" | ")
          .append(String.join("; ", notes(g, merged.get(i))))
          .append(" |\n");
    }
    FleetReport.tables(b, merged);
    try {
      Files.createDirectories(out);
      StringBuilder tsv = new StringBuilder(FleetResult.tsvHeader()).append('\n');
      merged.forEach(r -> tsv.append(r.toTsv()).append('\n'));
      Files.writeString(out.resolve("results.tsv"), tsv, StandardCharsets.UTF_8);
      Files.writeString(out.resolve("report.md"), b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the merged fleet report in " + out, e);
    }
    return merged;
  }

  static List<FleetResult> read(Path tsv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + tsv, e);
    }
    if (lines.isEmpty()) {
      return List.of();
    }
    String[] header = lines.get(0).split("\t");
    List<FleetResult> results = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length && i < cells.length; i++) {
        row.put(header[i], cells[i]);
      }
      try {
        results.add(FleetResult.fromTsv(row));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(tsv + ": " + e.getMessage(), e);
      }
    }
    return results;
  }

  /** The results grouped by mode and window: windows within {@link #SAME_WINDOW} of the first. */
  static List<List<FleetResult>> sameWindows(List<FleetResult> all) {
    List<FleetResult> sorted =
        all.stream()
            .sorted(Comparator.comparing((FleetResult r) -> r.generator().windowStart()))
            .toList();
    List<List<FleetResult>> groups = new ArrayList<>();
    for (FleetResult r : sorted) {
      List<FleetResult> into = null;
      for (List<FleetResult> g : groups) {
        FleetResult first = g.get(0);
        boolean same =
            first.mode().equals(r.mode())
                && first.preset().equals(r.preset())
                && Duration.between(first.generator().windowStart(), r.generator().windowStart())
                        .compareTo(SAME_WINDOW)
                    <= 0;
        if (same) {
          into = g;
        }
      }
      if (into == null) {
        into = new ArrayList<>();
        groups.add(into);
      }
      into.add(r);
    }
    return groups;
  }

  /** One window's generators as one result. */
  static FleetResult merge(List<FleetResult> g) {
    FleetResult first = g.get(0);
    return new FleetResult(
        sumInt(g, FleetResult::clusters),
        first.mode(),
        first.preset(),
        (int) Math.round(mean(g, FleetResult::windowSeconds)),
        max(g, FleetResult::loadAverage),
        max(g, FleetResult::machineBusy),
        sum(g, FleetResult::generatorCores),
        mean(g, FleetResult::etcdCores),
        mean(g, FleetResult::etcdLeaderCores),
        mean(g, FleetResult::etcdRssMb),
        mean(g, FleetResult::dbSizeMb),
        mean(g, FleetResult::putsPerSecond),
        mean(g, FleetResult::proposalsPerSecond),
        mean(g, FleetResult::keepAlivesPerSecond),
        mean(g, FleetResult::rangesPerSecond),
        mean(g, FleetResult::txnsPerSecond),
        mean(g, FleetResult::leaseReadsPerSecond),
        worst(g, FleetResult::keepAlive),
        worst(g, FleetResult::leaderKey),
        worst(g, FleetResult::memberKey),
        worst(g, FleetResult::leaseRead),
        max(g, FleetResult::renewalAgeMaxMs),
        Math.round(max(g, FleetResult::leasesExpired)),
        sumLong(g, FleetResult::leasesLost),
        sumLong(g, FleetResult::leadershipLost),
        sumLong(g, FleetResult::deadlinesPassed),
        sumLong(g, FleetResult::callErrors),
        Math.round(max(g, FleetResult::etcdLeaderChanges)),
        sumInt(g, FleetResult::membersNotSetUp),
        new FleetResult.Generator(
            String.join(", ", g.stream().map(r -> r.generator().scopes()).toList()),
            first.generator().windowStart(),
            g.stream().allMatch(r -> r.generator().etcdThroughMetrics()),
            sumInt(g, r -> r.generator().probes()),
            (int) Math.round(max(g, r -> r.generator().membersPerClient())),
            sumInt(g, r -> r.generator().threads()),
            (int) Math.round(max(g, r -> r.generator().fleetClusters())),
            (int) Math.round(max(g, r -> r.generator().fleetMembers()))));
  }

  /** What a reader of the merged figures must know about this window's generators. */
  static List<String> notes(List<FleetResult> g, FleetResult merged) {
    List<String> notes = new ArrayList<>();
    Duration spread =
        Duration.between(
            g.get(0).generator().windowStart(), g.get(g.size() - 1).generator().windowStart());
    if (spread.toMillis() > 2000) {
      notes.add("windows opened up to " + spread.toMillis() / 1000 + " s apart");
    }
    if (merged.generator().fleetClusters() != merged.clusters()) {
      notes.add(
          "etcd held "
              + merged.generator().fleetClusters()
              + " clusters, the generators merged ran "
              + merged.clusters()
              + ": a generator missing or another on the same scope prefix");
    }
    if (g.stream().anyMatch(r -> !r.generator().etcdThroughMetrics())) {
      notes.add("a generator started its own etcd: not one etcd");
    }
    if (notes.isEmpty()) {
      notes.add("-");
    }
    return notes;
  }

  private static Summary worst(List<FleetResult> g, Function<FleetResult, Summary> f) {
    List<Summary> s = g.stream().map(f).filter(x -> x.count() > 0).toList();
    if (s.isEmpty()) {
      return Summary.NONE;
    }
    return new Summary(
        s.stream().mapToLong(Summary::count).sum(),
        s.stream().mapToDouble(Summary::p50Ms).max().orElseThrow(),
        s.stream().mapToDouble(Summary::p99Ms).max().orElseThrow(),
        s.stream().mapToDouble(Summary::maxMs).max().orElseThrow());
  }

  private static double mean(List<FleetResult> g, ToDoubleFunction<FleetResult> f) {
    return g.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  private static double max(List<FleetResult> g, ToDoubleFunction<FleetResult> f) {
    return g.stream().mapToDouble(f).max().orElse(Double.NaN);
  }

  private static double sum(List<FleetResult> g, ToDoubleFunction<FleetResult> f) {
    return g.stream().mapToDouble(f).sum();
  }

  private static long sumLong(List<FleetResult> g, ToLongFunction<FleetResult> f) {
    return g.stream().mapToLong(f).sum();
  }

  private static int sumInt(List<FleetResult> g, ToLongFunction<FleetResult> f) {
    return (int) g.stream().mapToLong(f).sum();
  }
}
