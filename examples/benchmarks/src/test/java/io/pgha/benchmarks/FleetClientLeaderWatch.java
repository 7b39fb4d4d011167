package io.pgha.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The benchmark's own watch on the leader key, on one etcd member and a client of its own: when it
 * first heard of each new value. With the writer's acknowledgement it bounds when the write
 * committed: the earlier of the two is the benchmark's "write" moment.
 */
final class FleetClientLeaderWatch implements AutoCloseable {

  /** A value of the key and when this watch heard it. */
  record Seen(String leader, long epochMicros) {}

  private final Client client;
  private final Watch.Watcher watcher;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  FleetClientLeaderWatch(List<String> etcdEndpoints, String leaderKey) {
    client = Client.builder().endpoints(etcdEndpoints.toArray(String[]::new)).build();
    watcher =
        client
            .getWatchClient()
            .watch(
                ByteSequence.from(leaderKey, StandardCharsets.UTF_8),
                Watch.listener(
                    r -> {
                      long now = FleetClientMain.epochMicros();
                      for (WatchEvent e : r.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.PUT) {
                          seen.add(
                              new Seen(
                                  e.getKeyValue().getValue().toString(StandardCharsets.UTF_8),
                                  now));
                        }
                      }
                    }));
  }

  /** When this watch first heard {@code leader} written at or after {@code sinceEpochMicros}. */
  OptionalLong firstSeen(String leader, long sinceEpochMicros) {
    return seen.stream()
        .filter(s -> s.leader.equals(leader) && s.epochMicros >= sinceEpochMicros)
        .mapToLong(Seen::epochMicros)
        .findFirst();
  }

  /** What was heard since the last call. */
  List<Seen> drain() {
    List<Seen> out = List.copyOf(seen);
    seen.removeAll(out);
    return out;
  }

  @Override
  public void close() {
    watcher.close();
    client.close();
  }
}
