package io.pgha.core.dcs;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ClusterView} current from one watch on the cluster prefix.
 *
 * <p>Start: read every key, then watch from the next revision. Each event batch updates the raw
 * keys and swaps in a new view. Any watch error, cancellation or compaction ends the watch; the
 * watcher then re-reads everything and watches again (backing off up to 2 s while etcd cannot
 * answer). Nothing thrown by etcd or by bad data leaves this class through a jetcd thread.
 */
final class ClusterWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);
  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 2000;

  /**
   * @param revision the newest revision etcd has told of (a watch answer's header included)
   * @param complete the revision up to which every change under the prefix is in {@code raw}: a
   *     full read's, or the newest change the watch delivered (a watch answer's header revision can
   *     run ahead of the changes it carries, when etcd catches a lagging watch up in parts)
   */
  private record State(
      Map<String, RawKeyValue> raw, long revision, long complete, ClusterView view) {}

  private final Client client;
  private final DcsKeys keys;
  private final ViewAssembler assembler;
  private final String owner;
  private final Duration requestTimeout;
  private final Consumer<ViewChange> sink;
  private final ScheduledExecutorService scheduler;
  private final ByteSequence prefix;
  private final Object lock = new Object();

  private volatile State state = new State(Map.of(), 0, 0, ClusterView.empty());
  private Watch.Watcher watcher;
  private long generation;
  // The generation of the running watch, -1 while none runs: read without the lock by the HA loop.
  private volatile long run = -1;
  private long backoffMillis = MIN_BACKOFF_MILLIS;
  private volatile boolean closed;

  ClusterWatcher(
      Client client,
      DcsKeys keys,
      ViewAssembler assembler,
      String owner,
      Duration requestTimeout,
      ScheduledExecutorService scheduler,
      Consumer<ViewChange> sink) {
    this.client = client;
    this.keys = keys;
    this.assembler = assembler;
    this.owner = owner;
    this.requestTimeout = requestTimeout;
    this.scheduler = scheduler;
    this.sink = sink;
    this.prefix = EtcdCalls.bytes(keys.prefix());
  }

  /** Starts reading and watching in the background; the first view may come a little later. */
  void start() {
    scheduler.execute(this::resync);
  }

  ClusterView view() {
    return state.view();
  }

  /** The etcd revision the current view reflects. */
  long revision() {
    return state.revision();
  }

  /** The running watch's generation, -1 while none runs (see {@link Dcs#watchRun()}). */
  long run() {
    return run;
  }

  Optional<RawKeyValue> raw(String key) {
    return Optional.ofNullable(state.raw().get(key));
  }

  /**
   * A view at least as recent as an instant after this call began: the watched one when one
   * linearizable read of the prefix's newest modification and key count shows the watch has
   * delivered everything, else every key read again ({@link #reread}).
   *
   * <p>Why that suffices: say the watch has delivered every event up to revision {@code V}, and the
   * read, served at revision {@code R}, finds the newest modification of a key still present at
   * {@code M <= V} and {@code n} keys. A key written after {@code V} and present at {@code R} would
   * have a modification after {@code M}: so every key written after {@code V} is gone again at
   * {@code R}, and the keys present at {@code R} are keys present at {@code V}, unchanged since. If
   * there are as many ({@code n}), they are the same keys: etcd holds at {@code R} what the view
   * shows. The read carries no values (one key name), so an idle member's cycle costs etcd and
   * itself one small answer instead of every key.
   */
  ClusterView current() throws DcsException {
    GetResponse r =
        EtcdCalls.await(
            client
                .getKVClient()
                .get(
                    prefix,
                    GetOption.builder()
                        .isPrefix(true)
                        .withKeysOnly(true)
                        .withSortField(GetOption.SortTarget.MOD)
                        .withSortOrder(GetOption.SortOrder.DESCEND)
                        .withLimit(1)
                        .build()),
            requestTimeout,
            "reading the newest change under " + keys.prefix());
    long newest = r.getKvs().isEmpty() ? 0 : r.getKvs().get(0).getModRevision();
    synchronized (lock) {
      State s = state;
      if (watcher != null && s.complete() >= newest && s.raw().size() == r.getCount()) {
        return s.view();
      }
    }
    return reread();
  }

  /** Reads every key now, installs the result, and returns it. */
  ClusterView reread() throws DcsException {
    GetResponse r =
        EtcdCalls.await(
            client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()),
            requestTimeout,
            "reading " + keys.prefix());
    Map<String, RawKeyValue> raw = new HashMap<>();
    for (KeyValue kv : r.getKvs()) {
      RawKeyValue v = EtcdCalls.raw(kv);
      raw.put(v.key(), v);
    }
    long revision = r.getHeader().getRevision();
    synchronized (lock) {
      State before = state;
      if (revision < before.complete()) {
        // A watch event already moved us past this read.
        return before.view();
      }
      // The view's revision never goes back (a watch answer may have told of a later one).
      long seen = Math.max(revision, before.revision());
      install(
          new State(raw, seen, revision, assembler.assemble(raw.values(), seen)),
          before,
          true,
          true);
      return state.view();
    }
  }

  private void resync() {
    if (closed) {
      return;
    }
    try {
      reread();
      startWatch(state.revision() + 1);
      backoffMillis = MIN_BACKOFF_MILLIS;
    } catch (DcsException | RuntimeException e) {
      LOG.warn(
          "[{}] cannot read {} from etcd, retrying in {}ms: {}",
          owner,
          keys.prefix(),
          backoffMillis,
          e.getMessage());
      retryLater();
    }
  }

  private void retryLater() {
    if (closed) {
      return;
    }
    long delay = backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    try {
      scheduler.schedule(this::resync, delay, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      // The scheduler is shut down: we are closing.
    }
  }

  private void startWatch(long fromRevision) {
    synchronized (lock) {
      stopWatch();
      long gen = ++generation;
      WatchOption option =
          WatchOption.builder()
              .isPrefix(true)
              .withRevision(fromRevision)
              .withRequireLeader(true)
              .build();
      watcher =
          client
              .getWatchClient()
              .watch(
                  prefix,
                  option,
                  new Watch.Listener() {
                    @Override
                    public void onNext(WatchResponse response) {
                      // Off jetcd's event loop, which also carries the lease keep-alive answers.
                      inBackground(() -> onEvents(gen, response));
                    }

                    @Override
                    public void onError(Throwable t) {
                      inBackground(() -> onWatchEnded(gen, "failed: " + t.getMessage()));
                    }

                    @Override
                    public void onCompleted() {
                      inBackground(() -> onWatchEnded(gen, "was closed by etcd"));
                    }
                  });
      run = gen;
    }
  }

  private void inBackground(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RuntimeException e) {
      // The scheduler is shut down: we are closing.
    }
  }

  private void stopWatch() {
    run = -1;
    if (watcher != null) {
      try {
        watcher.close();
      } catch (RuntimeException e) {
        LOG.debug("[{}] closing watch: {}", owner, e.toString());
      }
      watcher = null;
    }
  }

  private void onEvents(long gen, WatchResponse response) {
    try {
      synchronized (lock) {
        if (gen != generation || closed) {
          return;
        }
        State before = state;
        Map<String, RawKeyValue> raw = new HashMap<>(before.raw());
        long revision = Math.max(before.revision(), response.getHeader().getRevision());
        long complete = before.complete();
        boolean changed = false;
        for (WatchEvent e : response.getEvents()) {
          KeyValue kv = e.getKeyValue();
          // Already in: a full read or an earlier event has it (not "below the newest header
          // revision", which may run ahead of events still to come).
          if (kv.getModRevision() <= before.complete()) {
            continue;
          }
          complete = Math.max(complete, kv.getModRevision());
          String key = EtcdCalls.string(kv.getKey());
          if (e.getEventType() == WatchEvent.EventType.DELETE) {
            changed |= raw.remove(key) != null;
          } else if (e.getEventType() == WatchEvent.EventType.PUT) {
            raw.put(key, EtcdCalls.raw(kv));
            changed = true;
          }
          revision = Math.max(revision, kv.getModRevision());
        }
        ClusterView view =
            changed
                ? assembler.assemble(raw.values(), revision)
                : before.view().toBuilder().revision(revision).build();
        install(new State(raw, revision, complete, view), before, changed, false);
      }
    } catch (RuntimeException e) {
      LOG.error("[{}] could not apply a watch event; re-reading everything", owner, e);
      onWatchEnded(gen, "hit " + e);
    }
  }

  private void onWatchEnded(long gen, String why) {
    synchronized (lock) {
      if (gen != generation || closed) {
        return;
      }
      generation++;
      stopWatch();
    }
    LOG.info("[{}] watch on {} {}; re-reading everything", owner, keys.prefix(), why);
    inBackground(this::resync);
  }

  private void install(State next, State before, boolean notify, boolean reread) {
    state = next;
    if (notify) {
      try {
        sink.accept(new ViewChange(before.view(), next.view(), reread));
      } catch (RuntimeException e) {
        LOG.error("[{}] view listener dispatch failed", owner, e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      generation++;
      stopWatch();
    }
  }
}
