package io.pgha.core.postgres;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code pg_controldata} says about a stopped data directory.
 *
 * @param state "Database cluster state", e.g. {@code shut down}, {@code shut down in recovery},
 *     {@code in production}
 * @param timeline the timeline of the latest checkpoint
 * @param checkpoint the latest checkpoint location
 * @param minRecoveryEnd the minimum recovery ending location (zero when not in recovery)
 * @param minRecoveryEndTimeline its timeline (0 when not in recovery)
 * @param systemIdentifier the database system identifier
 */
record ControlData(
    String state,
    int timeline,
    Lsn checkpoint,
    Lsn minRecoveryEnd,
    int minRecoveryEndTimeline,
    String systemIdentifier) {

  /** Parses the output of pg_controldata (run with LC_ALL=C so the labels are English). */
  static ControlData parse(String output) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        values.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    return new ControlData(
        required(values, "Database cluster state"),
        Integer.parseInt(required(values, "Latest checkpoint's TimeLineID")),
        Lsn.parse(required(values, "Latest checkpoint location")),
        Lsn.parse(values.getOrDefault("Minimum recovery ending location", "0/0")),
        Integer.parseInt(values.getOrDefault("Min recovery ending loc's timeline", "0")),
        required(values, "Database system identifier"));
  }

  private static String required(Map<String, String> values, String label) {
    String value = values.get(label);
    if (value == null) {
      throw new IllegalArgumentException("pg_controldata output has no '" + label + "' line");
    }
    return value;
  }

  /** Whether the server was shut down cleanly as a primary. */
  boolean cleanPrimaryShutdown() {
    return state.equals("shut down");
  }

  /** Whether the server was shut down cleanly as a standby. */
  boolean cleanStandbyShutdown() {
    return state.equals("shut down in recovery");
  }

  /** The furthest WAL position this data directory is known to contain. */
  Lsn knownEnd() {
    return minRecoveryEnd.isAfter(checkpoint) ? minRecoveryEnd : checkpoint;
  }
}
