package io.pgha.core.dcs;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.pgha.core.config.PghaConfig;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Dcs} on etcd v3 through jetcd, with Patroni's key layout and transactions.
 *
 * <p>Every request carries etcd's require-leader flag, so an etcd member that lost its quorum
 * refuses instead of answering from a stale state, and no request waits longer than the configured
 * request timeout. Create with {@link #connect(PghaConfig, String)}.
 *
 * <p>This class wires the parts and hands each call to the one that does it: the lease ({@link
 * LeaseKeeper}), the leader key ({@link LeaderKey}, {@link Leadership}), the member key ({@link
 * MemberKey}), the shared and the leader-only keys ({@link SharedKeyWrites}, {@link
 * LeaderGuardedWrites}) and the watched view ({@link ClusterWatcher}, {@link ViewListeners}).
 */
public final class EtcdDcs implements Dcs {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdDcs.class);

  private final DcsKeys keys;
  private final String me;
  private final Client client;
  private final SharedClient share;
  private final AtomicBoolean leftClient = new AtomicBoolean();
  private final ScheduledExecutorService background;
  private final Leadership leadership;
  private final LeaseKeeper lease;
  private final ClusterWatcher watcher;
  private final ViewListeners viewListeners;
  // Volatile: the lease keeper, built first, may report a renewal before it is set.
  private volatile LeaderKey leaderKey;
  private final MemberKey memberKey;
  private final SharedKeyWrites sharedKeys;
  private final LeaderGuardedWrites leaderKeys;
  private final SilentLeaderTakeover takeover;
  private final FastTakeoverExposure exposure;
  // What fastTakeoverMayDepose() last said after a view, to wake the keeper when it turns true.
  private volatile boolean exposedAfterLastView = true;
  private volatile EtcdDcsConfig current;

  private EtcdDcs(EtcdDcsConfig config, SharedClient share, KeepAliveStream keepAlives) {
    this.current = config;
    this.keys = config.keys();
    this.me = config.memberName();
    this.share = share;
    this.client = share.client();
    this.background = daemonScheduler("pgha-dcs-" + me);
    this.viewListeners = new ViewListeners(me, daemonScheduler("pgha-dcs-events-" + me));
    this.leadership = new Leadership(me);
    this.exposure = new FastTakeoverExposure(me);
    this.lease =
        new LeaseKeeper(
            client.getLeaseClient(),
            keepAlives,
            me,
            config.ttl(),
            config.safetyMargin(),
            config.requestTimeout(),
            new LeaseKeeper.Events() {
              @Override
              public void deadlinePassed(LeaseStatus status, long nowNanos) {
                leadership.lost(
                    "no lease renewal confirmed since "
                        + (nowNanos - status.lastConfirmedSendNanos()) / 1_000_000
                        + "ms ago, so the lease may expire in etcd at any moment",
                    nowNanos);
              }

              @Override
              public void leaseGone(long leaseId, long nowNanos) {
                leadership.lost("the lease expired in etcd", nowNanos);
              }

              @Override
              public void renewed(long leaseId, long sentNanos) {
                LeaderKey key = leaderKey;
                if (key != null) {
                  key.confirmAfterRenewal(leaseId, sentNanos);
                }
              }
            },
            // Only the leader's lease is watched for silence (by its synchronous standby),
            leadership::isLeading,
            // and only while a fast takeover may depose it.
            () -> !fastTakeoverMayDepose());
    this.watcher =
        new ClusterWatcher(
            client,
            keys,
            new ViewAssembler(keys, new BadValueLog(me)),
            me,
            config.requestTimeout(),
            background,
            this::viewChanged);
    EtcdKv kv = new EtcdKv(client.getKVClient(), config.requestTimeout());
    this.leaderKey = new LeaderKey(kv, lease, leadership, me, keys.leader());
    this.memberKey = new MemberKey(kv, lease, watcher, me, keys.member(me), config.roleNames());
    this.sharedKeys = new SharedKeyWrites(kv, keys, me);
    this.leaderKeys = new LeaderGuardedWrites(kv, lease, keys, me);
    this.takeover = new SilentLeaderTakeover(kv, lease, leadership, keys, me);
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

  /**
   * Like {@link #connect(PghaConfig, String)}, but over the etcd client (its connections and
   * threads) of {@code sharingWith}, which must reach etcd the same way. The new DCS has its own
   * lease, member and leader keys and watch; the client is closed when the last DCS using it
   * closes. For a process that hosts the DCS of many members, such as a load generator: an agent
   * has one member and uses {@link #connect(PghaConfig, String)}.
   *
   * @throws IllegalArgumentException if {@code config}'s etcd endpoints, credentials, TLS files or
   *     request timeout differ from those of {@code sharingWith}
   */
  public static EtcdDcs connectSharing(PghaConfig config, String memberName, EtcdDcs sharingWith) {
    EtcdDcsConfig settings = EtcdDcsConfig.of(config, memberName);
    SharedClient share = sharingWith.share.join(settings);
    try {
      // A stream of its own (its answers are matched to its requests in order) on the same channel.
      return start(new EtcdDcs(settings, share, share.keepAlives().sibling()), settings);
    } catch (RuntimeException e) {
      share.leave();
      throw e;
    }
  }

  /** Connects with settings made in this package (tests). */
  static EtcdDcs connect(EtcdDcsConfig config) {
    // Renewals on a stream of their own over the client's channel, which the stream learns from
    // the client's first call.
    KeepAliveStream keepAlives = new KeepAliveStream(config.requestTimeout().toNanos());
    SharedClient share =
        new SharedClient(EtcdClients.build(config, keepAlives.capture()), config, keepAlives);
    return start(new EtcdDcs(config, share, keepAlives), config);
  }

  private static EtcdDcs start(EtcdDcs dcs, EtcdDcsConfig config) {
    dcs.watcher.start();
    LOG.info("[{}] DCS started: {}", dcs.me, config);
    return dcs;
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
    return watcher.current();
  }

  @Override
  public long watchRun() {
    return watcher.run();
  }

  @Override
  public AutoCloseable subscribe(ClusterViewListener listener) {
    return viewListeners.subscribe(listener);
  }

  @Override
  public AutoCloseable onLeadershipLost(LeadershipListener listener) {
    return leadership.onLost(listener);
  }

  private void viewChanged(ViewChange change) {
    leadership.check(change.current(), lease.status(), System.nanoTime());
    boolean exposed = exposure.mayDepose(change.current());
    if (exposed && !exposedAfterLastView) {
      lease.wakeNow(); // to the fast pace now, not at the next renewal of the relaxed one
    }
    exposedAfterLastView = exposed;
    viewListeners.publish(change);
  }

  // ------------------------------------------------------------------ lease and leader

  @Override
  public LeaseStatus leaseStatus() {
    return lease.status();
  }

  @Override
  public boolean holdsLeadership() {
    return leaderKey.holds();
  }

  @Override
  public OptionalLong leadershipConfirmedAtNanos() {
    return leadership.confirmedAtNanos();
  }

  @Override
  public boolean fastTakeoverMayDepose() {
    ClusterWatcher w = watcher; // null while the constructor runs (the keeper asks early)
    return w == null || exposure.mayDepose(w.view());
  }

  @Override
  public OptionalLong leaderKeyVacatedUntilNanos() {
    return leadership
        .vacated(System.nanoTime())
        .map(v -> OptionalLong.of(v.untilNanos()))
        .orElse(OptionalLong.empty());
  }

  @Override
  public boolean acquireLeader() throws DcsException {
    return renewedAsLeader(leaderKey.acquire());
  }

  /** Leadership just taken: the lease is renewed at the leader's pace from now on. */
  private boolean renewedAsLeader(boolean leads) {
    if (leads) {
      lease.wakeNow();
    }
    return leads;
  }

  @Override
  public boolean renewLeader() throws DcsException {
    boolean before = leadership.isLeading();
    boolean leads = leaderKey.renew();
    // A key found ours after a restart makes this member lead by renewing it.
    return before ? leads : renewedAsLeader(leads);
  }

  @Override
  public boolean takeOverLeader(long expectedModRevision) throws DcsException {
    return renewedAsLeader(leaderKey.takeOver(expectedModRevision));
  }

  @Override
  public boolean takeOverFromSilentLeader(
      String leader, long leaderModRevision, long syncModRevision) throws DcsException {
    return renewedAsLeader(takeover.takeOver(leader, leaderModRevision, syncModRevision));
  }

  @Override
  public LeaseTimeToLive leaseTimeToLive(long leaseId) throws DcsException {
    LeaseTimeToLiveResponse r =
        EtcdCalls.await(
            client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT),
            current.requestTimeout(),
            "reading the time to live of lease " + Long.toHexString(leaseId));
    return new LeaseTimeToLive(leaseId, r.getGrantedTTL(), r.getTTL());
  }

  @Override
  public boolean releaseLeader() throws DcsException {
    return leaderKey.release();
  }

  @Override
  public void renewFast(boolean fast) {
    lease.renewFast(fast);
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
    leaderKey.moveToLease(leaseId);
    memberKey.moveToLease(leaseId);
    lease.revokeQuietly(old);
  }

  // ------------------------------------------------------------------ members

  @Override
  public boolean updateMember(Member member) throws DcsException {
    return memberKey.update(member);
  }

  @Override
  public void deleteMember() throws DcsException {
    memberKey.delete();
  }

  // ------------------------------------------------------------------ bootstrap

  @Override
  public boolean claimInitialize(String value) throws DcsException {
    return sharedKeys.claimInitialize(value);
  }

  @Override
  public boolean updateInitialize(String systemIdentifier, long expectedModRevision)
      throws DcsException {
    return sharedKeys.updateInitialize(systemIdentifier, expectedModRevision);
  }

  @Override
  public void cancelInitialize() throws DcsException {
    sharedKeys.cancelInitialize();
  }

  // ------------------------------------------------------------------ config, failover, sync

  @Override
  public boolean writeConfig(DynamicConfig c, long expectedModRevision) throws DcsException {
    return sharedKeys.writeConfig(c, expectedModRevision);
  }

  @Override
  public boolean writeFailover(FailoverRequest request, long expectedModRevision)
      throws DcsException {
    return sharedKeys.writeFailover(request, expectedModRevision);
  }

  @Override
  public boolean clearFailover(long expectedModRevision) throws DcsException {
    return sharedKeys.clearFailover(expectedModRevision);
  }

  /**
   * A write that makes the key name a standby under our name (arming) lets a fast takeover depose
   * us once it lands. Before it is sent: a renewal sent now and confirmed as leader, so that the
   * standby, which starts reading our lease when it sees the key, does not find it silent since a
   * renewal of the relaxed pace; then the fast pace (the exposure says yes from {@link
   * FastTakeoverExposure#arming} on, and the keeper is woken to plan by it). The confirmation comes
   * before the arming so that the health checks, whose bound shrinks to {@code
   * leader_silence_timeout} at the arming, find a fresh one then (fencing.md).
   */
  @Override
  public boolean writeSync(SyncState sync, long expectedModRevision) throws DcsException {
    boolean arming = FastTakeoverExposure.namesStandbyUnder(Optional.of(sync), me);
    if (arming && leadership.isLeading()) {
      leaderKey.renewAndConfirmNow();
    }
    return recordSyncWrite(arming, () -> sharedKeys.writeSync(sync, expectedModRevision));
  }

  @Override
  public boolean clearSync(long expectedModRevision) throws DcsException {
    return recordSyncWrite(false, () -> sharedKeys.clearSync(expectedModRevision));
  }

  private interface SyncWrite {
    TxnResponse send() throws DcsException;
  }

  /**
   * Sends {@code write} and tells the exposure what it did; {@code arming} when it names a standby
   * under our name.
   */
  private boolean recordSyncWrite(boolean arming, SyncWrite write) throws DcsException {
    if (arming) {
      exposure.arming();
      lease.wakeNow();
    }
    TxnResponse r;
    try {
      r = write.send();
    } catch (DcsException | RuntimeException e) {
      exposure.written(arming, OptionalLong.empty(), false);
      throw e;
    }
    exposure.written(arming, OptionalLong.of(r.getHeader().getRevision()), r.isSucceeded());
    return r.isSucceeded();
  }

  // ------------------------------------------------------------------ leader-only keys

  @Override
  public boolean writeStatus(ClusterStatus status) throws DcsException {
    // An idle leader's position does not move: rewriting the same value every cycle would cost a
    // raft write and wake every member's watch. The watch shows what etcd holds (or held a moment
    // ago: a write it has not delivered yet can only be this leader's own).
    boolean unchanged =
        watcher
            .raw(keys.status())
            .filter(held -> held.value().equals(PatroniCodec.encodeStatus(status)))
            .isPresent();
    if (unchanged && leaderKey.holds()) {
      return true;
    }
    return leaderKeys.writeStatus(status);
  }

  @Override
  public boolean writeHistory(List<HistoryEntry> history) throws DcsException {
    return leaderKeys.writeHistory(history);
  }

  @Override
  public boolean appendHistory(HistoryEntry entry, int keepLast) throws DcsException {
    return leaderKeys.appendHistory(entry, keepLast);
  }

  @Override
  public boolean writeFailsafe(Map<String, String> members) throws DcsException {
    return leaderKeys.writeFailsafe(members);
  }

  @Override
  public void clearFailsafe() throws DcsException {
    leaderKeys.clearFailsafe();
  }

  @Override
  public boolean announceDrain(String successor, Duration timeout) throws DcsException {
    return leaderKeys.announceDrain(successor, timeout);
  }

  @Override
  public void clearDrain() throws DcsException {
    leaderKeys.clearDrain();
  }

  @Override
  public void close() {
    leadership.clear();
    watcher.close();
    lease.close();
    background.shutdownNow();
    viewListeners.close();
    if (leftClient.compareAndSet(false, true)) { // a second close must not close a shared client
      share.leave();
    }
    LOG.info("[{}] DCS closed", me);
  }
}
