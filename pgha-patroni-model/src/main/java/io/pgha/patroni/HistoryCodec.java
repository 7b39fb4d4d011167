package io.pgha.patroni;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code history}: the timeline switches, oldest first. */
final class HistoryCodec {
  private HistoryCodec() {}

  /** Decodes the {@code history} value; a malformed entry is skipped with a warning. */
  static List<HistoryEntry> decodeHistory(String key, String value, Consumer<String> warn) {
    JsonNode root =
        WireJson.tree(key, value, "a JSON array of [timeline, lsn, reason, time, leader]");
    if (!root.isArray()) {
      throw new InvalidValueException(
          key, value, "a JSON array of [timeline, lsn, reason, time, leader]");
    }
    List<HistoryEntry> entries = new ArrayList<>();
    for (JsonNode e : root.values()) {
      Optional<HistoryEntry> entry = historyEntry(e);
      if (entry.isPresent()) {
        entries.add(entry.get());
      } else {
        warn.accept(
            "key '"
                + key
                + "' has entry "
                + InvalidValueException.shorten(e.toString())
                + ", expected [timeline, lsn, reason, time, leader]; entry ignored");
      }
    }
    return entries;
  }

  private static Optional<HistoryEntry> historyEntry(JsonNode e) {
    if (!e.isArray() || e.size() < 2) {
      return Optional.empty();
    }
    var timeline = JsonFields.integer(e.get(0));
    var lsn = JsonFields.integer(e.get(1));
    if (timeline.isEmpty() || lsn.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new HistoryEntry(
            timeline.get().longValue(),
            lsn.get().longValue(),
            textAt(e, 2).orElse(""),
            textAt(e, 3),
            textAt(e, 4)));
  }

  private static Optional<String> textAt(JsonNode array, int index) {
    JsonNode n = array.get(index);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asString());
  }

  /** Encodes history as Patroni does. */
  static String encodeHistory(List<HistoryEntry> history) {
    ArrayNode a = WireJson.JSON.createArrayNode();
    for (HistoryEntry h : history) {
      ArrayNode e = a.addArray();
      e.add(h.timeline());
      e.add(h.switchLsn());
      e.add(h.reason());
      if (h.timestamp().isPresent() || h.newLeader().isPresent()) {
        e.add(h.timestamp().orElse(null));
      }
      h.newLeader().ifPresent(e::add);
    }
    return a.toString();
  }
}
