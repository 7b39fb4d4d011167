package io.pgha.patroni;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/** {@code sync}: the synchronous standbys of a leader. */
final class SyncCodec {
  private SyncCodec() {}

  /** Decodes the {@code sync} value. */
  static SyncState decodeSync(String key, String value, long modRevision, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(
            key, WireJson.object(key, value, "a JSON object {leader, sync_standby}"), warn);
    List<String> standbys =
        f.string("sync_standby").stream()
            .flatMap(s -> Arrays.stream(s.split(",")))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    return new SyncState(
        f.string("leader").filter(s -> !s.isEmpty()), standbys, f.intValue("quorum"), modRevision);
  }

  /** Encodes a sync state as Patroni does ({@code sync_standby} comma-separated, or null). */
  static String encodeSync(SyncState s) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    if (s.leader().isPresent()) {
      o.put("leader", s.leader().get());
    } else {
      o.putNull("leader");
    }
    if (s.syncStandbys().isEmpty()) {
      o.putNull("sync_standby");
    } else {
      o.put("sync_standby", String.join(",", s.syncStandbys()));
    }
    s.quorum().ifPresent(q -> o.put("quorum", q));
    return o.toString();
  }
}
