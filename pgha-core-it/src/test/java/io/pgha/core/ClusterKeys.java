package io.pgha.core;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import io.pgha.testkit.cluster.LocalPghaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A test cluster's keys read straight from etcd, as a client beside the agents sees them, and a
 * bounded poll for the tests that wait on them.
 */
final class ClusterKeys implements AutoCloseable {
  private final Client etcd;
  private final String prefix;

  ClusterKeys(LocalPghaCluster cluster) {
    this.etcd = Client.builder().endpoints(cluster.etcdEndpoints().toArray(String[]::new)).build();
    this.prefix = "/service/" + cluster.scope() + "/";
  }

  /** The value of key {@code name} of the cluster; empty when absent or etcd did not answer. */
  Optional<String> value(String name) {
    try {
      List<KeyValue> kvs =
          etcd.getKVClient()
              .get(ByteSequence.from(prefix + name, StandardCharsets.UTF_8))
              .get(5, TimeUnit.SECONDS)
              .getKvs();
      return kvs.isEmpty()
          ? Optional.empty()
          : Optional.of(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Deletes key {@code name} of the cluster, as {@code etcdctl del} does; the keys deleted. */
  long delete(String name) throws Exception {
    return etcd.getKVClient()
        .delete(ByteSequence.from(prefix + name, StandardCharsets.UTF_8))
        .get(5, TimeUnit.SECONDS)
        .getDeleted();
  }

  /** The {@code sync} key, decoded. */
  Optional<SyncState> sync() {
    return value("sync").map(v -> PatroniCodec.decodeSync("sync", v, 0, w -> {}));
  }

  /** Whether the {@code sync} key names a synchronous standby under {@code leader}'s name. */
  boolean syncNamesAStandbyOf(String leader) {
    return sync()
        .filter(s -> s.leader().equals(Optional.of(leader)))
        .filter(s -> !s.syncStandbys().isEmpty())
        .isPresent();
  }

  /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes. */
  static boolean within(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    } while (System.nanoTime() - deadline < 0);
    return condition.getAsBoolean();
  }

  @Override
  public void close() {
    etcd.close();
  }
}
