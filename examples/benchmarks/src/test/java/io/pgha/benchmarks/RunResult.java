package io.pgha.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one probe client saw in one run: one row of {@code results.tsv}.
 *
 * @param system {@code pgha} or {@code patroni}
 * @param preset the timings' name ({@code fast}, {@code norm}, ...)
 * @param mode {@code async} or {@code sync}
 * @param scenario the scenario's id
 * @param run 1-based run number
 * @param client {@code pgha-jdbc} or {@code hikari+haproxy}
 * @param writeUnavailableMs the longest gap between acknowledged writes around the fault
 * @param readUnavailableMs the same for successful reads
 * @param writesAcked writes acknowledged during the run
 * @param writesLost acknowledged writes missing on the leader after healing
 * @param writeErrors failed writes
 * @param readErrors failed reads
 * @param runSeconds from the fault until the cluster was healthy again
 * @param errorKinds failures by kind (SQLState and message)
 * @param writeAfterKeyMs from the moment the leader key named a new member to this client's first
 *     acknowledged write after it; -1 when the key did not move (or no write was acknowledged)
 * @param fastTakeoverSilenceMs when the new leader took over by pgha's fast path (a synchronous
 *     standby after {@code leader_silence_timeout}, not after the lease expired): the leader
 *     silence it measured before taking over; -1 when it did not (Patroni, lease expiry, no leader
 *     change)
 */
record RunResult(
    String system,
    String preset,
    String mode,
    String scenario,
    int run,
    String client,
    long writeUnavailableMs,
    long readUnavailableMs,
    long writesAcked,
    long writesLost,
    long writeErrors,
    long readErrors,
    double runSeconds,
    Map<String, Integer> errorKinds,
    long writeAfterKeyMs,
    long fastTakeoverSilenceMs) {

  static final String TSV_HEADER =
      "system\tpreset\tmode\tscenario\trun\tclient\twrite_unavailable_ms\tread_unavailable_ms"
          + "\twrites_acked\twrites_lost\twrite_errors\tread_errors\trun_s\terror_kinds"
          + "\twrite_after_key_ms\tfast_takeover_silence_ms";

  RunResult {
    errorKinds = Map.copyOf(errorKinds);
    runSeconds = Math.round(runSeconds * 10) / 10.0; // what results.tsv keeps
  }

  /** Whether the leader changed by pgha's fast takeover in this run. */
  boolean fastTakeover() {
    return fastTakeoverSilenceMs >= 0;
  }

  /** The cell this run belongs to. */
  Cell cell() {
    return new Cell(preset, mode, scenario);
  }

  /** A scenario under one preset and mode (the row of the report's tables). */
  record Cell(String preset, String mode, String scenario) {}

  String toTsv() {
    String kinds =
        errorKinds.entrySet().stream()
            .map(e -> e.getValue() + "x " + e.getKey().replace('\t', ' ').replace('|', '/'))
            .collect(Collectors.joining(" | "));
    return String.join(
        "\t",
        system,
        preset,
        mode,
        scenario,
        Integer.toString(run),
        client,
        Long.toString(writeUnavailableMs),
        Long.toString(readUnavailableMs),
        Long.toString(writesAcked),
        Long.toString(writesLost),
        Long.toString(writeErrors),
        Long.toString(readErrors),
        String.format(java.util.Locale.ROOT, "%.1f", runSeconds),
        kinds,
        Long.toString(writeAfterKeyMs),
        Long.toString(fastTakeoverSilenceMs));
  }

  /** Reads a row {@link #toTsv()} wrote (rows without the last columns, from before them, too). */
  static RunResult fromTsv(String line) {
    String[] f = line.split("\t", -1);
    if (f.length < 14) {
      throw new IllegalArgumentException(
          "results.tsv row has " + f.length + " fields, expected 14: " + line);
    }
    Map<String, Integer> kinds = new LinkedHashMap<>();
    List<String> parts = f[13].isBlank() ? List.of() : Arrays.asList(f[13].split(" \\| "));
    for (String p : parts) {
      int x = p.indexOf("x ");
      kinds.put(p.substring(x + 2), Integer.parseInt(p.substring(0, x)));
    }
    return new RunResult(
        f[0],
        f[1],
        f[2],
        f[3],
        Integer.parseInt(f[4]),
        f[5],
        Long.parseLong(f[6]),
        Long.parseLong(f[7]),
        Long.parseLong(f[8]),
        Long.parseLong(f[9]),
        Long.parseLong(f[10]),
        Long.parseLong(f[11]),
        Double.parseDouble(f[12]),
        kinds,
        f.length > 14 ? Long.parseLong(f[14]) : -1,
        f.length > 15 ? Long.parseLong(f[15]) : -1);
  }
}
