package io.pgha.jdbc.topology;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topology from Patroni's keys in etcd: one prefix read, then a watch from the next revision. A
 * broken stream is resumed by jetcd itself from the last revision it delivered; a watch jetcd gives
 * up on (compaction, a cancelled watch, a closed stream) triggers a full re-read and a new watch,
 * retried after a jittered delay while etcd cannot answer. All state changes run on one thread, so
 * the key view needs no locking. Sources of the same {@link EtcdAccess} in one JVM share one jetcd
 * client ({@link SharedEtcdClients}), each with its own watch.
 */
public final class EtcdTopologySource implements TopologySource {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdTopologySource.class);
  private static final Duration RESYNC_TIMEOUT = Duration.ofSeconds(5);
  private static final long RESYNC_BACKOFF_MILLIS = 500;

  /**
   * How much a retry's delay varies around {@link #RESYNC_BACKOFF_MILLIS}, either way: the sources
   * of a whole fleet that lost etcd together must not retry their reads in step.
   */
  private static final long RESYNC_JITTER_MILLIS = 250;

  private final EtcdAccess access;
  private final List<String> endpoints;
  private final String prefix;
  private final PatroniKeyView view;
  private final ScheduledExecutorService thread;
  private SharedEtcdClients.Lease lease;
  private Client client;
  private Consumer<Topology> listener;
  private Watch.Watcher watcher;
  private long watchGeneration;
  private Topology lastPublished;
  private volatile boolean closed;

  /**
   * @param endpoints etcd client URLs
   * @param prefix {@code <namespace>/<scope>/}
   */
  public EtcdTopologySource(List<String> endpoints, String prefix) {
    this(EtcdAccess.of(endpoints), prefix);
  }

  /**
   * @param access etcd client URLs, credentials and TLS files
   * @param prefix {@code <namespace>/<scope>/}
   */
  public EtcdTopologySource(EtcdAccess access, String prefix) {
    this.access = access;
    this.endpoints = access.endpoints();
    this.prefix = prefix;
    this.view = new PatroniKeyView(prefix);
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "pgha-etcd-topology " + prefix);
              t.setDaemon(true);
              return t;
            });
    // A publish delayed to a drain's end, or a resync's backoff, must not outlive close(): by
    // default a shut-down executor still runs delayed tasks, and close() would wait for them.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = executor;
  }

  @Override
  public String describe() {
    return "etcd " + endpoints + " " + prefix;
  }

  @Override
  public void start(Consumer<Topology> topologyListener, Duration timeout) {
    this.listener = topologyListener;
    this.lease = SharedEtcdClients.acquire(access);
    this.client = lease.client();
    try {
      thread
          .submit(
              () -> {
                long revision = readAll(timeout);
                if (view.isEmpty()) {
                  throw new IllegalStateException(
                      "no cluster keys under "
                          + prefix
                          + " in etcd "
                          + endpoints
                          + ": unknown scope or namespace, or the cluster has not bootstrapped");
                }
                publish();
                watchFrom(revision + 1);
                return null;
              })
          .get();
    } catch (ExecutionException e) {
      close();
      Throwable cause = e.getCause();
      if (cause instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException(
          "cannot read " + prefix + " from etcd " + endpoints + ": " + cause, cause);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + prefix + " from etcd", e);
    }
  }

  /** Reads every key under the prefix into the view; returns the revision of the read. */
  private long readAll(Duration timeout) {
    GetResponse response;
    try {
      response =
          client
              .getKVClient()
              .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "etcd " + endpoints + " did not answer within " + timeout.toMillis() + "ms", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("etcd " + endpoints + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    view.clear();
    for (KeyValue kv : response.getKvs()) {
      view.put(text(kv.getKey()), text(kv.getValue()));
    }
    return response.getHeader().getRevision();
  }

  private void watchFrom(long revision) {
    long generation = ++watchGeneration;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    watcher =
        client
            .getWatchClient()
            .watch(
                bytes(prefix),
                option,
                Watch.listener(
                    response -> onThread(() -> apply(generation, response)),
                    error -> onThread(() -> resync(generation, error)),
                    () -> onThread(() -> resync(generation, null))));
  }

  /** Runs on the source's thread; after close, callbacks still arriving from jetcd are dropped. */
  private void onThread(Runnable task) {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void apply(long generation, WatchResponse response) {
    if (generation != watchGeneration || closed) {
      return;
    }
    for (WatchEvent event : response.getEvents()) {
      String key = text(event.getKeyValue().getKey());
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        view.put(key, text(event.getKeyValue().getValue()));
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        view.delete(key);
      }
    }
    publish();
  }

  private void resync(long generation, Throwable error) {
    if (generation != watchGeneration || closed) {
      return;
    }
    LOG.warn(
        "etcd watch on {} ended ({}); re-reading all keys",
        prefix,
        error == null ? "completed" : error.toString());
    if (watcher != null) {
      watcher.close();
    }
    watchGeneration++;
    try {
      long revision = readAll(RESYNC_TIMEOUT);
      publish();
      watchFrom(revision + 1);
    } catch (RuntimeException e) {
      long delay = retryDelayMillis(ThreadLocalRandom.current());
      LOG.warn(
          "re-reading {} from etcd {} failed ({}); keeping the last topology, retrying in {}ms",
          prefix,
          endpoints,
          e.getMessage(),
          delay);
      long next = watchGeneration;
      if (!closed) {
        thread.schedule(() -> resync(next, e), delay, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** The delay before the next read after a failed one: 500 ms, give or take up to 250. */
  static long retryDelayMillis(RandomGenerator random) {
    return RESYNC_BACKOFF_MILLIS + random.nextLong(-RESYNC_JITTER_MILLIS, RESYNC_JITTER_MILLIS + 1);
  }

  private void publish() {
    long drainLeft = view.drainRemainingNanos();
    if (drainLeft > 0 && !closed) {
      thread.schedule(this::publish, drainLeft + 1, TimeUnit.NANOSECONDS);
    }
    Topology topology = view.topology();
    if (!topology.equals(lastPublished)) {
      lastPublished = topology;
      try {
        listener.accept(topology);
      } catch (RuntimeException e) {
        LOG.error("topology listener failed on {}", prefix, e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    onThread(
        () -> {
          if (watcher != null) {
            watcher.close();
          }
        });
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lease != null) {
      lease.close();
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String text(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
