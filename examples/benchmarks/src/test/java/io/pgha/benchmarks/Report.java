package io.pgha.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Renders the benchmark's {@code report.md} from the runs' results. */
final class Report {
  static final String PGHA = "pgha";
  static final String PATRONI = "patroni";

  private final List<RunResult> results;
  private final Map<String, String> machine;
  private final String method;
  private final Optional<String> jmhSection;

  /**
   * @param results every run of every client
   * @param machine the machine's description, label to value
   * @param method the method section's Markdown
   * @param jmhSection the JMH section's Markdown, when a JMH result exists
   */
  Report(
      List<RunResult> results,
      Map<String, String> machine,
      String method,
      Optional<String> jmhSection) {
    this.results = List.copyOf(results);
    this.machine = new LinkedHashMap<>(machine);
    this.method = method;
    this.jmhSection = jmhSection;
  }

  String render() {
    StringBuilder md = new StringBuilder("# pgha failover benchmark\n\n");
    md.append("## Machine\n\n| | |\n|---|---|\n");
    machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Method\n\n").append(method.strip()).append("\n\n");
    md.append("## Results\n\n");
    md.append(
        "Write and read unavailability: median and max over the runs (longest gap between"
            + " acknowledged operations around the fault). Lost: acknowledged writes missing on the"
            + " leader after healing, summed over the runs. Errors: failed writes / failed reads,"
            + " summed. Ratio: pgha's median write unavailability divided by Patroni's, same"
            + " client, same cell.\n\n");
    md.append("![median write unavailability](chart.svg)\n\n");
    for (String scenario : distinct(RunResult::scenario)) {
      md.append("### ").append(title(scenario)).append("\n\n");
      md.append(
          "| preset | mode | system | client | runs | write unavail. p50 | max | read unavail."
              + " p50 | max | acked | lost | errors (w/r) | ratio pgha/Patroni |\n");
      md.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row row : rows(scenario)) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %d | %s | %s | %s | %s | %d | %d | %d/%d | %s |%n",
                row.cell.preset(),
                row.cell.mode(),
                row.systemLabel(),
                row.client,
                row.runs.size(),
                seconds(row.writeMedian()),
                seconds(row.writeMax()),
                seconds(row.readMedian()),
                seconds(row.readMax()),
                row.sum(RunResult::writesAcked),
                row.sum(RunResult::writesLost),
                row.sum(RunResult::writeErrors),
                row.sum(RunResult::readErrors),
                ratio(row)));
      }
      md.append('\n');
    }
    switchoverSection(md);
    hungHostSection(md);
    errorsSection(md);
    durationsSection(md);
    md.append("## JMH: the DataSource's overhead\n\n");
    md.append(
        jmhSection.orElse(
            "No JMH result found. Run `./mvnw -B -pl pgha-jdbc -am -Pjmh verify -DskipTests` (it"
                + " writes `pgha-jdbc/target/jmh-result.json`), then the benchmark again.\n"));
    return md.toString();
  }

  /** Issue 12's figures: the write stall a planned switchover costs each client. */
  private void switchoverSection(StringBuilder md) {
    List<Row> rows = rows(Scenario.SWITCHOVER.id);
    if (rows.isEmpty()) {
      return;
    }
    md.append("## Planned switchover: pgha-jdbc vs HikariCP + HAProxy\n\n");
    md.append(
        "The write stall per switchover (longest gap between acknowledged writes) and the failed"
            + " write transactions, per client on the same cluster. Target for pgha-jdbc on pgha:"
            + " 0 failed transactions, stall p50 at most 1 s.\n\n");
    md.append(
        "| preset | mode | system | client | switchovers | stall p50 | stall max | failed"
            + " writes | failed per switchover (max) |\n");
    md.append("|---|---|---|---|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %d | %s | %s | %d | %d |%n",
              row.cell.preset(),
              row.cell.mode(),
              row.system,
              row.client,
              row.runs.size(),
              seconds(row.writeMedian()),
              seconds(row.writeMax()),
              row.sum(RunResult::writeErrors),
              row.runs.stream().mapToLong(RunResult::writeErrors).max().orElse(0)));
    }
    md.append('\n');
  }

  /**
   * Issue 17's comparison: a frozen leader against a killed one (the client's share after the new
   * leader key, free of the lease's phase), a frozen replica against a killed one.
   */
  private void hungHostSection(StringBuilder md) {
    List<String[]> leader = pairs(Scenario.HOST.id, Scenario.FREEZE.id);
    List<String[]> replica = pairs(Scenario.REPLICA.id, Scenario.FREEZE_REPLICA.id);
    if (leader.isEmpty() && replica.isEmpty()) {
      return;
    }
    md.append("## Hung host vs kill -9\n\n");
    if (!leader.isEmpty()) {
      md.append(
          "The leader's host killed (`host`) or frozen (`freeze`). Write unavailability depends on"
              + " when the lease's last keep-alive fell before the fault; *after key* is the time"
              + " from the leader key naming a new member to the client's first acknowledged write,"
              + " the client's own share (p50 over the runs). Target for pgha-jdbc: the frozen"
              + " figure within 0.5 s of the killed one.\n\n");
      md.append(
          "| preset | mode | system | client | write unavail. p50 kill / freeze | after key p50"
              + " kill / freeze | after key freeze - kill |\n");
      md.append("|---|---|---|---|---:|---:|---:|\n");
      comparison(
          md,
          leader,
          Scenario.HOST.id,
          Scenario.FREEZE.id,
          (kill, freeze) ->
              String.format(
                  Locale.ROOT,
                  " %s / %s | %s / %s | %s |",
                  seconds(kill.writeMedian()),
                  seconds(freeze.writeMedian()),
                  seconds(kill.afterKeyMedian()),
                  seconds(freeze.afterKeyMedian()),
                  seconds(freeze.afterKeyMedian() - kill.afterKeyMedian())));
      md.append('\n');
    }
    if (!replica.isEmpty()) {
      md.append(
          "A replica's host killed (`replica`) or frozen (`freezereplica`): read unavailability."
              + " Target for pgha-jdbc on a killed replica: at most 0.1 s.\n\n");
      md.append(
          "| preset | mode | system | client | read unavail. kill p50 / max | freeze p50 / max"
              + " |\n");
      md.append("|---|---|---|---|---:|---:|\n");
      comparison(
          md,
          replica,
          Scenario.REPLICA.id,
          Scenario.FREEZE_REPLICA.id,
          (kill, freeze) ->
              String.format(
                  Locale.ROOT,
                  " %s / %s | %s / %s |",
                  seconds(kill.readMedian()),
                  seconds(kill.readMax()),
                  seconds(freeze.readMedian()),
                  seconds(freeze.readMax())));
      md.append('\n');
    }
  }

  /** One line per key: preset, mode, system, client, then {@code cells} of its rows in a and b. */
  private void comparison(
      StringBuilder md,
      List<String[]> keys,
      String a,
      String b,
      java.util.function.BiFunction<Row, Row, String> cells) {
    for (String[] key : keys) {
      md.append("| ")
          .append(String.join(" | ", key))
          .append(" |")
          .append(cells.apply(row(key, a), row(key, b)))
          .append('\n');
    }
  }

  /** Preset, mode, system and client of the rows both scenarios have, in report order. */
  private List<String[]> pairs(String a, String b) {
    List<String[]> keys = new ArrayList<>();
    for (Row r : rows(a)) {
      String[] key = {r.cell.preset(), r.cell.mode(), r.system, r.client};
      if (row(key, b) != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  private Row row(String[] key, String scenario) {
    return rows(scenario).stream()
        .filter(
            r ->
                r.cell.preset().equals(key[0])
                    && r.cell.mode().equals(key[1])
                    && r.system.equals(key[2])
                    && r.client.equals(key[3]))
        .findFirst()
        .orElse(null);
  }

  private void errorsSection(StringBuilder md) {
    md.append("## Client-visible errors\n\n");
    Map<String, Map<String, Integer>> byClient = new TreeMap<>();
    for (RunResult r : results) {
      Map<String, Integer> kinds =
          byClient.computeIfAbsent(r.system() + " / " + r.client(), k -> new TreeMap<>());
      r.errorKinds().forEach((kind, n) -> kinds.merge(kind, n, Integer::sum));
    }
    if (byClient.values().stream().allMatch(Map::isEmpty)) {
      md.append("None.\n\n");
      return;
    }
    md.append("| system / client | count | SQLState and message (digits masked) |\n");
    md.append("|---|---:|---|\n");
    byClient.forEach(
        (client, kinds) ->
            kinds.forEach(
                (kind, n) ->
                    md.append("| ")
                        .append(client)
                        .append(" | ")
                        .append(n)
                        .append(" | ")
                        .append(kind.replace("|", "\\|"))
                        .append(" |\n")));
    md.append('\n');
  }

  private void durationsSection(StringBuilder md) {
    md.append("## Time per run\n\n");
    md.append(
        "From the fault until the cluster was healthy again (median seconds per run). Each run"
            + " adds 2 s of baseline and a few seconds of settling; each cluster adds about a"
            + " minute to start (etcd, three members, HAProxy). Choose bench.runs from these.\n\n");
    md.append("| scenario | preset | mode | system | run (s) |\n|---|---|---|---|---:|\n");
    Map<String, List<Double>> durations = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (r.client().equals(Probe.PGHA_JDBC)) {
        durations
            .computeIfAbsent(
                String.join(" | ", r.scenario(), r.preset(), r.mode(), r.system()),
                k -> new ArrayList<>())
            .add(r.runSeconds());
      }
    }
    durations.forEach(
        (k, v) ->
            md.append("| ")
                .append(k)
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.0f", Stats.median(v)))
                .append(" |\n"));
    md.append('\n');
  }

  private String ratio(Row row) {
    if (!row.system.equals(PGHA)) {
      return "";
    }
    return rows(row.cell.scenario()).stream()
        .filter(
            r -> r.system.equals(PATRONI) && r.client.equals(row.client) && r.cell.equals(row.cell))
        .findFirst()
        .map(
            p ->
                p.writeMedian() > 0
                    ? String.format(Locale.ROOT, "%.2f", row.writeMedian() / p.writeMedian())
                    : "n/a")
        .orElse("");
  }

  /** The runs grouped by cell, system and client, in the order they ran. */
  List<Row> rows(String scenario) {
    Map<List<Object>, Row> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (r.scenario().equals(scenario)) {
        rows.computeIfAbsent(
                List.of(r.cell(), r.system(), r.client()),
                k -> new Row(r.cell(), r.system(), r.client(), new ArrayList<>()))
            .runs
            .add(r);
      }
    }
    List<Row> sorted = new ArrayList<>(rows.values());
    sorted.sort(
        java.util.Comparator.comparing((Row r) -> r.cell.preset())
            .thenComparing(r -> r.cell.mode())
            .thenComparing(r -> r.system.equals(PGHA) ? 0 : 1)
            .thenComparing(r -> r.client.equals(Probe.PGHA_JDBC) ? 0 : 1));
    return sorted;
  }

  List<String> distinct(java.util.function.Function<RunResult, String> key) {
    Set<String> seen = new LinkedHashSet<>();
    results.forEach(r -> seen.add(key.apply(r)));
    return List.copyOf(seen);
  }

  private static String title(String scenario) {
    try {
      return Scenario.byId(scenario).title + " (" + scenario + ")";
    } catch (IllegalArgumentException e) {
      return scenario;
    }
  }

  static String seconds(double millis) {
    return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }

  /** The runs of one system and client in one cell. */
  record Row(RunResult.Cell cell, String system, String client, List<RunResult> runs) {
    double writeMedian() {
      return Stats.median(runs.stream().map(r -> (double) r.writeUnavailableMs()).toList());
    }

    double writeMax() {
      return Stats.max(runs.stream().map(r -> (double) r.writeUnavailableMs()).toList());
    }

    double readMedian() {
      return Stats.median(runs.stream().map(r -> (double) r.readUnavailableMs()).toList());
    }

    double readMax() {
      return Stats.max(runs.stream().map(r -> (double) r.readUnavailableMs()).toList());
    }

    /** The median of {@link RunResult#writeAfterKeyMs()} over the runs where the key moved. */
    double afterKeyMedian() {
      return Stats.median(
          runs.stream()
              .filter(r -> r.writeAfterKeyMs() >= 0)
              .map(r -> (double) r.writeAfterKeyMs())
              .toList());
    }

    long sum(java.util.function.ToLongFunction<RunResult> f) {
      return runs.stream().mapToLong(f).sum();
    }

    /**
     * The system, and how the leader changed when pgha's fast takeover did it in any run: "pgha
     * (fast takeover 3/3, silence p50 2.10 s)", the runs that took the fast path out of all and the
     * median leader silence the new leader measured before taking over.
     */
    String systemLabel() {
      List<Double> silences =
          runs.stream()
              .filter(RunResult::fastTakeover)
              .map(r -> (double) r.fastTakeoverSilenceMs())
              .toList();
      if (silences.isEmpty()) {
        return system;
      }
      return String.format(
          Locale.ROOT,
          "%s (fast takeover %d/%d, silence p50 %s)",
          system,
          silences.size(),
          runs.size(),
          seconds(Stats.median(silences)));
    }

    String label() {
      return cell.scenario()
          + " "
          + cell.preset()
          + " "
          + cell.mode()
          + " - "
          + system
          + " / "
          + client;
    }
  }
}
