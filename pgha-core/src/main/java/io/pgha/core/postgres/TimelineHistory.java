package io.pgha.core.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A timeline history file ({@code pg_wal/0000000N.history}): for each ancestor timeline, where the
 * next one branched off.
 */
record TimelineHistory(List<Entry> entries) {

  /**
   * One line of the file.
   *
   * @param parentTimeline the ancestor timeline
   * @param switchLsn the first position that is no longer on the ancestor
   * @param reason the free text PostgreSQL wrote
   */
  record Entry(int parentTimeline, Lsn switchLsn, String reason) {}

  TimelineHistory {
    entries = List.copyOf(entries);
  }

  /** Parses the file's text; comment and blank lines are skipped. */
  static TimelineHistory parse(String text) {
    List<Entry> entries = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+", 3);
      if (fields.length < 2) {
        throw new IllegalArgumentException("malformed timeline history line: '" + line + "'");
      }
      entries.add(
          new Entry(
              Integer.parseInt(fields[0]),
              Lsn.parse(fields[1]),
              fields.length > 2 ? fields[2].strip() : ""));
    }
    return new TimelineHistory(entries);
  }

  /** Where the history left the given timeline, if it is an ancestor. */
  Optional<Lsn> switchPointOf(int timeline) {
    return entries.stream()
        .filter(e -> e.parentTimeline() == timeline)
        .map(Entry::switchLsn)
        .findFirst();
  }

  /** The history file name of a timeline, relative to the data directory. */
  static String fileName(int timeline) {
    return String.format("pg_wal/%08X.history", timeline);
  }
}
