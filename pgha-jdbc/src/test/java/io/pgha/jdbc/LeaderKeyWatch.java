package io.pgha.jdbc;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An etcd watch independent of the DataSource, for measurements: when a key took each value. */
final class LeaderKeyWatch {

  private LeaderKeyWatch() {}

  /** Records in {@code seen}, for each value {@code key} is put to, when this JVM first saw it. */
  static Watch.Watcher record(Client client, String key, Map<String, Long> seen) {
    return client
        .getWatchClient()
        .watch(
            ByteSequence.from(key, StandardCharsets.UTF_8),
            WatchOption.builder().build(),
            response -> {
              long now = System.nanoTime();
              for (WatchEvent e : response.getEvents()) {
                if (e.getEventType() == WatchEvent.EventType.PUT) {
                  seen.putIfAbsent(
                      e.getKeyValue().getValue().toString(StandardCharsets.UTF_8), now);
                }
              }
            });
  }
}
