package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;
import static io.pgha.core.dcs.EtcdCalls.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.config.PghaConfig;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.InvalidValueException;
import io.pgha.patroni.Member;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Dcs} on etcd v3 through jetcd, with Patroni's key layout and transactions.
 *
 * <p>Every request carries etcd's require-leader flag, so an etcd member that lost its quorum
 * refuses instead of answering from a stale state, and no request waits longer than the configured
 * request timeout. Create with {@link #connect(PghaConfig, String)}.
 */
public final class EtcdDcs implements Dcs {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdDcs.class);
  private static final int HISTORY_CAS_ATTEMPTS = 3;

  /** Since when (etcd revision) and on which lease this member leads. */
  private record Leading(long sinceRevision, long lease) {}

  /** What was last written to our member key. */
  private record Written(String json, long lease, long revision) {}

  private final EtcdDcsConfig config;
  private final DcsKeys keys;
  private final String me;
  private final ByteSequence meBytes;
  private final Client client;
  private final ScheduledExecutorService background;
  private final ScheduledExecutorService notifier;
  private final LeaseKeeper lease;
  private final ClusterWatcher watcher;
  private final List<ClusterViewListener> viewListeners = new CopyOnWriteArrayList<>();
  private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Leading> leading = new AtomicReference<>();
  private volatile Written written;
  private volatile EtcdDcsConfig current;

  private EtcdDcs(EtcdDcsConfig config, Client client) {
    this.config = config;
    this.current = config;
    this.keys = config.keys();
    this.me = config.memberName();
    this.meBytes = bytes(me);
    this.client = client;
    this.background = daemonScheduler("pgha-dcs-" + me);
    this.notifier = daemonScheduler("pgha-dcs-events-" + me);
    this.lease =
        new LeaseKeeper(
            client.getLeaseClient(),
            me,
            config.ttl(),
            config.safetyMargin(),
            config.requestTimeout(),
            new LeaseKeeper.Events() {
              @Override
              public void deadlinePassed(LeaseStatus status, long nowNanos) {
                lost(
                    "no lease renewal confirmed since "
                        + (nowNanos - status.lastConfirmedSendNanos()) / 1_000_000
                        + "ms ago, so the lease may expire in etcd at any moment",
                    nowNanos);
              }

              @Override
              public void leaseGone(long leaseId, long nowNanos) {
                lost("the lease expired in etcd", nowNanos);
              }
            });
    this.watcher =
        new ClusterWatcher(
            client,
            keys,
            new ViewAssembler(keys, new BadValueLog(me)),
            me,
            config.requestTimeout(),
            background,
            this::viewChanged);
  }

  /**
   * Connects to the etcd of {@code config}'s {@code etcd} section and starts watching the cluster,
   * with the lease timing of its ttl. Does not wait for etcd: the first view arrives in the
   * background (or call {@link #refresh()}); the lease is granted on first need.
   *
   * @param memberName the member this client acts for: {@code config.name()} for the agent; a
   *     client that only reads may use another name, which tells it apart in log lines
   */
  public static EtcdDcs connect(PghaConfig config, String memberName) {
    return connect(EtcdDcsConfig.of(config, memberName));
  }

  /** Connects with settings made in this package (tests). */
  static EtcdDcs connect(EtcdDcsConfig config) {
    EtcdDcs dcs = new EtcdDcs(config, buildClient(config));
    dcs.watcher.start();
    LOG.info("[{}] DCS started: {}", dcs.me, config);
    return dcs;
  }

  private static Client buildClient(EtcdDcsConfig config) {
    ClientBuilder b =
        Client.builder()
            .endpoints(config.endpoints().toArray(java.net.URI[]::new))
            .loadBalancerPolicy("round_robin")
            // etcd's require-leader flag: a member without a quorum answers "no leader".
            .header("hasleader", "true")
            .connectTimeout(config.requestTimeout())
            // Find a dead connection (a black-holed network) in ~15 s, so calls stuck on it fail
            // and are not left pending. etcd refuses pings more often than every 5 s.
            .keepaliveTime(Duration.ofSeconds(10))
            .keepaliveTimeout(Duration.ofSeconds(5));
    config
        .user()
        .ifPresent(
            user ->
                b.user(bytes(user))
                    .password(
                        ByteSequence.from(
                            config.password().orElse("").getBytes(StandardCharsets.UTF_8))));
    if (config.caFile().isPresent() || config.certFile().isPresent()) {
      try {
        b.sslContext(
            ssl -> {
              config.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
              if (config.certFile().isPresent()) {
                ssl.keyManager(config.certFile().get().toFile(), config.keyFile().get().toFile());
              }
            });
      } catch (SSLException e) {
        throw new IllegalArgumentException(
            "TLS files for etcd cannot be used (ca "
                + config.caFile().orElse(null)
                + ", cert "
                + config.certFile().orElse(null)
                + "): "
                + e.getMessage(),
            e);
      }
    }
    return b.build();
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public String memberName() {
    return me;
  }

  @Override
  public DcsKeys keys() {
    return keys;
  }

  // ------------------------------------------------------------------ view

  @Override
  public ClusterView view() {
    return watcher.view();
  }

  @Override
  public ClusterView refresh() throws DcsException {
    return watcher.reread();
  }

  @Override
  public AutoCloseable subscribe(ClusterViewListener listener) {
    viewListeners.add(listener);
    return () -> viewListeners.remove(listener);
  }

  @Override
  public AutoCloseable onLeadershipLost(LeadershipListener listener) {
    leadershipListeners.add(listener);
    return () -> leadershipListeners.remove(listener);
  }

  private void viewChanged(ViewChange change) {
    Leading l = leading.get();
    ClusterView now = change.current();
    if (l != null && now.revision() >= l.sinceRevision() && !now.isLeader(me)) {
      lost(
          now.leader()
              .map(x -> "the leader key now names " + x.name())
              .orElse("the leader key is gone"),
          System.nanoTime());
    }
    try {
      notifier.execute(
          () -> {
            for (ClusterViewListener listener : viewListeners) {
              try {
                listener.onViewChange(change);
              } catch (RuntimeException e) {
                LOG.error("[{}] cluster view listener {} failed", me, listener, e);
              }
            }
          });
    } catch (RuntimeException e) {
      // Closing: nobody to tell.
    }
  }

  // ------------------------------------------------------------------ lease and leader

  @Override
  public LeaseStatus leaseStatus() {
    return lease.status();
  }

  @Override
  public boolean holdsLeadership() {
    Leading l = leading.get();
    LeaseStatus s = lease.status();
    return l != null && l.lease() == s.leaseId() && s.isValidAt(System.nanoTime());
  }

  @Override
  public boolean acquireLeader() throws DcsException {
    long leaseId = lease.ensureLease();
    ByteSequence key = bytes(keys.leader());
    TxnResponse r =
        txn(
            "acquiring " + keys.leader(),
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[] {Op.get(key, GetOption.DEFAULT)});
    if (r.isSucceeded()) {
      return becameLeader(r.getHeader().getRevision(), leaseId, "acquired the leader key");
    }
    Optional<KeyValue> holder = single(r);
    if (holder.isPresent() && holder.get().getValue().equals(meBytes)) {
      return keepOrMoveOurKey(holder.get(), leaseId);
    }
    return false;
  }

  @Override
  public boolean renewLeader() throws DcsException {
    if (lease.status().leaseId() == 0) {
      lost("the lease is gone", System.nanoTime());
      return false;
    }
    try {
      lease.keepAliveNow();
    } catch (DcsException e) {
      if (lease.status().leaseId() != 0) {
        throw e; // no answer: the state in etcd is unknown
      }
      lost("the lease expired in etcd", System.nanoTime());
      return false; // etcd answered: the lease, and the key with it, is gone
    }
    long leaseId = lease.status().leaseId();
    ByteSequence key = bytes(keys.leader());
    TxnResponse r =
        txn(
            "renewing " + keys.leader(),
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.get(key, GetOption.DEFAULT)},
            new Op[] {Op.get(key, GetOption.DEFAULT)});
    Optional<KeyValue> holder = single(r);
    if (!r.isSucceeded() || holder.isEmpty()) {
      lost(
          holder
              .map(kv -> "the leader key now names " + string(kv.getValue()))
              .orElse("the leader key is gone"),
          System.nanoTime());
      return false;
    }
    return keepOrMoveOurKey(holder.get(), leaseId);
  }

  /** The key names us: keep it if it is on our lease, else move it there by compare-and-swap. */
  private boolean keepOrMoveOurKey(KeyValue kv, long leaseId) throws DcsException {
    if (kv.getLease() == leaseId) {
      return becameLeader(kv.getModRevision(), leaseId, "holds the leader key");
    }
    return takeOverLeader(kv.getModRevision());
  }

  @Override
  public boolean takeOverLeader(long expectedModRevision) throws DcsException {
    long leaseId = lease.ensureLease();
    ByteSequence key = bytes(keys.leader());
    TxnResponse r =
        txn(
            "taking over " + keys.leader(),
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision))},
            new Op[] {Op.put(key, meBytes, onLease(leaseId))},
            new Op[0]);
    return r.isSucceeded()
        && becameLeader(r.getHeader().getRevision(), leaseId, "took over the leader key");
  }

  private boolean becameLeader(long revision, long leaseId, String what) {
    Leading before = leading.getAndSet(new Leading(revision, leaseId));
    if (before == null) {
      LOG.info("[{}] {} (lease {})", me, what, Long.toHexString(leaseId));
    }
    return true;
  }

  @Override
  public boolean releaseLeader() throws DcsException {
    leading.set(null);
    ByteSequence key = bytes(keys.leader());
    TxnResponse r =
        txn(
            "releasing " + keys.leader(),
            new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {Op.delete(key, DeleteOption.DEFAULT)},
            new Op[0]);
    if (r.isSucceeded()) {
      LOG.info("[{}] released the leader key", me);
    }
    return r.isSucceeded();
  }

  private void lost(String reason, long atNanos) {
    if (leading.getAndSet(null) == null) {
      return;
    }
    LOG.warn("[{}] leadership lost: {}", me, reason);
    for (LeadershipListener listener : leadershipListeners) {
      try {
        listener.leadershipLost(reason, atNanos);
      } catch (RuntimeException e) {
        LOG.error("[{}] leadership listener {} failed", me, listener, e);
      }
    }
  }

  @Override
  public synchronized void changeTtl(Duration ttl) throws DcsException {
    if (ttl.equals(lease.ttl())) {
      return;
    }
    EtcdDcsConfig next;
    try {
      next = current.withTtl(ttl);
    } catch (IllegalArgumentException e) {
      // The new ttl comes from the config key, i.e. from anyone who can write to etcd.
      LOG.warn("[{}] keeping ttl {}s: {}", me, lease.ttl().toSeconds(), e.getMessage());
      return;
    }
    if (next.ttl().equals(lease.ttl())) {
      return;
    }
    long old = lease.replace(next.ttl(), next.safetyMargin());
    current = next;
    long leaseId = lease.status().leaseId();
    LOG.info(
        "[{}] ttl changed to {}s: moving keys to lease {}",
        me,
        ttl.toSeconds(),
        Long.toHexString(leaseId));
    Leading l = leading.get();
    if (l != null) {
      ByteSequence key = bytes(keys.leader());
      TxnResponse r =
          txn(
              "moving " + keys.leader() + " to the new lease",
              new Cmp[] {new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
              new Op[] {Op.put(key, meBytes, onLease(leaseId))},
              new Op[0]);
      if (r.isSucceeded()) {
        leading.set(new Leading(r.getHeader().getRevision(), leaseId));
      } else {
        lost("the leader key no longer names this member", System.nanoTime());
      }
    }
    Written w = written;
    if (w != null) {
      put(keys.member(me), w.json(), leaseId);
      written = new Written(w.json(), leaseId, 0);
    }
    lease.revokeQuietly(old);
  }

  // ------------------------------------------------------------------ members

  @Override
  public boolean updateMember(Member member) throws DcsException {
    if (!member.name().equals(me)) {
      throw new IllegalArgumentException(
          "member name '" + member.name() + "' is not this member's name '" + me + "'");
    }
    String key = keys.member(me);
    String json = PatroniCodec.encodeMember(member);
    long leaseId = lease.ensureLease();
    Written w = written;
    if (w != null && w.json().equals(json) && w.lease() == leaseId) {
      if (watcher.revision() < w.revision()) {
        return false; // the watch has not caught up with our own write yet
      }
      Optional<RawKeyValue> seen = watcher.raw(key);
      if (seen.isPresent() && seen.get().value().equals(json) && seen.get().lease() == leaseId) {
        return false;
      }
    }
    long revision = put(key, json, leaseId);
    written = new Written(json, leaseId, revision);
    return true;
  }

  @Override
  public void deleteMember() throws DcsException {
    written = null;
    EtcdCalls.await(
        client.getKVClient().delete(bytes(keys.member(me))),
        config.requestTimeout(),
        "deleting " + keys.member(me));
  }

  // ------------------------------------------------------------------ bootstrap

  @Override
  public boolean claimInitialize(String value) throws DcsException {
    boolean won = casPut(keys.initialize(), value, ABSENT);
    if (won) {
      LOG.info("[{}] won the bootstrap race", me);
    }
    return won;
  }

  @Override
  public boolean updateInitialize(String systemIdentifier, long expectedModRevision)
      throws DcsException {
    return casPut(keys.initialize(), systemIdentifier, expectedModRevision);
  }

  @Override
  public void cancelInitialize() throws DcsException {
    casDelete(keys.initialize(), ANY);
  }

  // ------------------------------------------------------------------ config, failover, sync

  @Override
  public boolean writeConfig(DynamicConfig c, long expectedModRevision) throws DcsException {
    return casPut(keys.config(), PatroniCodec.encodeConfig(c), expectedModRevision);
  }

  @Override
  public boolean writeFailover(FailoverRequest request, long expectedModRevision)
      throws DcsException {
    return casPut(keys.failover(), PatroniCodec.encodeFailover(request), expectedModRevision);
  }

  @Override
  public boolean clearFailover(long expectedModRevision) throws DcsException {
    return casDelete(keys.failover(), expectedModRevision);
  }

  @Override
  public boolean writeSync(SyncState sync, long expectedModRevision) throws DcsException {
    return casPut(keys.sync(), PatroniCodec.encodeSync(sync), expectedModRevision);
  }

  @Override
  public boolean clearSync(long expectedModRevision) throws DcsException {
    return casDelete(keys.sync(), expectedModRevision);
  }

  // ------------------------------------------------------------------ leader-only keys

  @Override
  public boolean writeStatus(ClusterStatus status) throws DcsException {
    return putWhileLeader(keys.status(), PatroniCodec.encodeStatus(status), Optional.empty());
  }

  @Override
  public boolean writeHistory(List<HistoryEntry> history) throws DcsException {
    return putWhileLeader(keys.history(), PatroniCodec.encodeHistory(history), Optional.empty());
  }

  @Override
  public boolean appendHistory(HistoryEntry entry) throws DcsException {
    String key = keys.history();
    for (int attempt = 0; attempt < HISTORY_CAS_ATTEMPTS; attempt++) {
      GetResponse r =
          EtcdCalls.await(
              client.getKVClient().get(bytes(key)), config.requestTimeout(), "reading " + key);
      List<HistoryEntry> history = new ArrayList<>();
      long revision = 0;
      if (!r.getKvs().isEmpty()) {
        KeyValue kv = r.getKvs().get(0);
        revision = kv.getModRevision();
        try {
          history.addAll(
              PatroniCodec.decodeHistory(
                  key, string(kv.getValue()), w -> LOG.warn("[{}] {}", me, w)));
        } catch (InvalidValueException e) {
          LOG.warn("[{}] {}; starting the history afresh", me, e.getMessage());
        }
      }
      history.add(entry);
      if (putWhileLeader(key, PatroniCodec.encodeHistory(history), Optional.of(revision))) {
        return true;
      }
      if (!isLeaderKeyMine()) {
        return false;
      }
    }
    return false;
  }

  @Override
  public boolean writeFailsafe(Map<String, String> members) throws DcsException {
    return putWhileLeader(keys.failsafe(), PatroniCodec.encodeFailsafe(members), Optional.empty());
  }

  @Override
  public void clearFailsafe() throws DcsException {
    casDelete(keys.failsafe(), ANY);
  }

  @Override
  public boolean announceDrain(String successor, Duration timeout) throws DcsException {
    long leaseId = lease.status().leaseId();
    if (leaseId == 0) {
      return false;
    }
    return txn(
            "writing " + keys.drain(),
            new Cmp[] {new Cmp(bytes(keys.leader()), Cmp.Op.EQUAL, CmpTarget.value(meBytes))},
            new Op[] {
              Op.put(
                  bytes(keys.drain()),
                  bytes(PatroniCodec.encodeDrain(memberName(), successor, timeout)),
                  onLease(leaseId))
            },
            new Op[0])
        .isSucceeded();
  }

  @Override
  public void clearDrain() throws DcsException {
    casDelete(keys.drain(), ANY);
  }

  // ------------------------------------------------------------------ helpers

  private boolean isLeaderKeyMine() throws DcsException {
    GetResponse r =
        EtcdCalls.await(
            client.getKVClient().get(bytes(keys.leader())),
            config.requestTimeout(),
            "reading " + keys.leader());
    return !r.getKvs().isEmpty() && r.getKvs().get(0).getValue().equals(meBytes);
  }

  private boolean putWhileLeader(String key, String value, Optional<Long> expectedModRevision)
      throws DcsException {
    List<Cmp> cmps = new ArrayList<>();
    cmps.add(new Cmp(bytes(keys.leader()), Cmp.Op.EQUAL, CmpTarget.value(meBytes)));
    expectedModRevision.ifPresent(
        rev -> cmps.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(rev))));
    return txn(
            "writing " + key,
            cmps.toArray(Cmp[]::new),
            new Op[] {Op.put(bytes(key), bytes(value), PutOption.DEFAULT)},
            new Op[0])
        .isSucceeded();
  }

  private long put(String key, String value, long leaseId) throws DcsException {
    return EtcdCalls.await(
            client.getKVClient().put(bytes(key), bytes(value), onLease(leaseId)),
            config.requestTimeout(),
            "writing " + key)
        .getHeader()
        .getRevision();
  }

  private boolean casPut(String key, String value, long expectedModRevision) throws DcsException {
    if (expectedModRevision == ANY) {
      put(key, value, 0);
      return true;
    }
    ByteSequence k = bytes(key);
    return txn(
            "writing " + key,
            new Cmp[] {revisionIs(k, expectedModRevision)},
            new Op[] {Op.put(k, bytes(value), PutOption.DEFAULT)},
            new Op[0])
        .isSucceeded();
  }

  private boolean casDelete(String key, long expectedModRevision) throws DcsException {
    ByteSequence k = bytes(key);
    Cmp[] cmps =
        expectedModRevision == ANY ? new Cmp[0] : new Cmp[] {revisionIs(k, expectedModRevision)};
    return txn("deleting " + key, cmps, new Op[] {Op.delete(k, DeleteOption.DEFAULT)}, new Op[0])
        .isSucceeded();
  }

  private static Cmp revisionIs(ByteSequence key, long expectedModRevision) {
    if (expectedModRevision < 0) {
      throw new IllegalArgumentException(
          "expected revision "
              + expectedModRevision
              + " is not allowed: use ANY, ABSENT or a mod revision");
    }
    return expectedModRevision == ABSENT
        ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
        : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
  }

  private static PutOption onLease(long leaseId) {
    return PutOption.builder().withLeaseId(leaseId).build();
  }

  private TxnResponse txn(String what, Cmp[] cmps, Op[] then, Op[] otherwise) throws DcsException {
    return EtcdCalls.await(
        client.getKVClient().txn().If(cmps).Then(then).Else(otherwise).commit(),
        config.requestTimeout(),
        what);
  }

  private static Optional<KeyValue> single(TxnResponse r) {
    for (GetResponse g : r.getGetResponses()) {
      if (!g.getKvs().isEmpty()) {
        return Optional.of(g.getKvs().get(0));
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    leading.set(null);
    watcher.close();
    lease.close();
    background.shutdownNow();
    notifier.shutdownNow();
    client.close();
    LOG.info("[{}] DCS closed", me);
  }
}
