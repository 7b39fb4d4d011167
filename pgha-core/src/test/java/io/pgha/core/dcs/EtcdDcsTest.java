package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.SyncState;
import io.pgha.testkit.LocalEtcd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The DCS layer against one real etcd. */
class EtcdDcsTest {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdDcsTest.class);
  private static final Duration TTL = Duration.ofSeconds(3);
  private static LocalEtcd etcd;

  private Contenders cluster;

  @BeforeAll
  static void startEtcd() {
    etcd = LocalEtcd.start(1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void newCluster() {
    cluster = new Contenders(etcd.clientEndpoints(), TTL);
  }

  @AfterEach
  void closeClients() {
    cluster.close();
  }

  @Test
  void exactlyOneOfThreeContendersWinsTheBootstrapRace() throws Exception {
    List<EtcdDcs> members = cluster.start(3, "m");
    List<Boolean> won = race(members, dcs -> dcs.claimInitialize(""));

    assertThat(won).containsOnlyOnce(true).hasSize(3);
    EtcdDcs winner = members.get(won.indexOf(true));
    ClusterView view = winner.refresh();
    assertThat(view.initialize()).hasValue("");
    assertThat(
            winner.updateInitialize(
                "7712415343663771374",
                view.revision() >= 0 ? modRevision(winner, "initialize") : 0))
        .isTrue();
    for (EtcdDcs m : members) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> m.view().initialize().equals(Optional.of("7712415343663771374")));
    }
  }

  @Test
  void exactlyOneOfManyHoldsTheLeaderKeyAndItVanishesWithinTtlWhenTheHolderDies() throws Exception {
    List<EtcdDcs> members = cluster.start(8, "m");
    List<Boolean> acquired = race(members, Dcs::acquireLeader);

    assertThat(acquired).containsOnlyOnce(true);
    EtcdDcs holder = members.get(acquired.indexOf(true));
    assertThat(holder.holdsLeadership()).isTrue();
    for (EtcdDcs m : members) {
      await().atMost(Duration.ofSeconds(5)).until(() -> m.view().isLeader(holder.memberName()));
      if (m != holder) {
        assertThat(m.holdsLeadership()).isFalse();
        assertThat(m.acquireLeader()).isFalse();
      }
    }

    // The holder's process is gone: no release, no more keep-alives.
    holder.close();
    long closedAt = System.nanoTime();
    List<EtcdDcs> watchers = new ArrayList<>(members);
    watchers.remove(holder);
    for (EtcdDcs m : watchers) {
      await()
          .atMost(TTL.plusSeconds(3))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> m.view().isUnlocked());
    }
    long goneAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
    LOG.info(
        "measured: leader key of a dead holder gone for all watchers {} ms after it stopped (ttl {} s)",
        goneAfterMillis,
        TTL.toSeconds());
    // etcd expires a lease between ttl and ttl + its check interval after the last keep-alive.
    assertThat(goneAfterMillis).isLessThan(TTL.toMillis() + 2500);
  }

  @Test
  void releaseByANonHolderDoesNothingAndByTheHolderIsSeenAtOnce() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs b = cluster.start("b");
    assertThat(a.acquireLeader()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.view().isLeader("a"));

    assertThat(b.releaseLeader()).isFalse();
    assertThat(b.refresh().isLeader("a")).isTrue();
    assertThat(a.holdsLeadership()).isTrue();

    CountDownLatch seen = new CountDownLatch(1);
    AtomicLong seenAt = new AtomicLong();
    b.subscribe(
        change -> {
          if (change.leaderChanged() && change.current().isUnlocked()) {
            seenAt.set(System.nanoTime());
            seen.countDown();
          }
        });
    long releasedAt = System.nanoTime();
    assertThat(a.releaseLeader()).isTrue();
    assertThat(a.holdsLeadership()).isFalse();
    assertThat(seen.await(2, TimeUnit.SECONDS)).isTrue();
    LOG.info(
        "measured: release seen by another member's subscriber {} ms after the call began",
        TimeUnit.NANOSECONDS.toMillis(seenAt.get() - releasedAt));
    assertThat(b.acquireLeader()).isTrue();
  }

  @Test
  void leaderRenewsAndKeepsTheKeyForLongerThanTtl() throws Exception {
    EtcdDcs a = cluster.start("a");
    AtomicLong losses = new AtomicLong();
    a.onLeadershipLost((reason, at) -> losses.incrementAndGet());
    assertThat(a.acquireLeader()).isTrue();
    long until = System.nanoTime() + TTL.multipliedBy(3).toNanos();
    while (System.nanoTime() - until < 0) {
      assertThat(a.renewLeader()).isTrue();
      Thread.sleep(300);
    }
    assertThat(a.holdsLeadership()).isTrue();
    assertThat(losses.get()).isZero();
    assertThat(a.refresh().leader().orElseThrow().lease()).isEqualTo(a.leaseStatus().leaseId());
  }

  @Test
  void aLeaseRevokedBehindTheHoldersBackIsLostNotRenewed() throws Exception {
    EtcdDcs a = cluster.start("a");
    List<String> reasons = new CopyOnWriteArrayList<>();
    a.onLeadershipLost((reason, at) -> reasons.add(reason));
    assertThat(a.acquireLeader()).isTrue();
    long lease = a.leaseStatus().leaseId();

    try (Client raw =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      raw.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
    }
    // The key goes with the lease: whatever the watch told first (a key deleted while the lease
    // seemed alive is only vacated), the renewals find the lease gone.
    await().atMost(TTL).until(() -> !reasons.isEmpty());
    assertThat(a.leaderKeyVacatedUntilNanos()).isEmpty();
    assertThat(a.holdsLeadership()).isFalse();
    // etcd answers a keep-alive of a revoked lease with TTL 0, not an error: never a renewal.
    assertThat(a.renewLeader()).isFalse();
    await().atMost(TTL).until(() -> a.leaseStatus().leaseId() == 0);

    // Back to normal on a fresh lease.
    assertThat(a.acquireLeader()).isTrue();
    assertThat(a.leaseStatus().leaseId()).isNotEqualTo(lease);
    assertThat(a.holdsLeadership()).isTrue();
  }

  @Test
  void aLeaderKeyDeletedUnderTheLeaderIsCreatedAgainOnTheSameLeaseWithoutALoss() throws Exception {
    EtcdDcs a = cluster.start("a");
    List<String> reasons = new CopyOnWriteArrayList<>();
    a.onLeadershipLost((reason, at) -> reasons.add(reason));
    assertThat(a.acquireLeader()).isTrue();
    long lease = a.leaseStatus().leaseId();

    deleteLeaderKey(a);
    await().atMost(TTL).until(() -> a.leaderKeyVacatedUntilNanos().isPresent());
    assertThat(a.holdsLeadership()).isFalse();
    assertThat(a.leadershipConfirmedAtNanos()).isEmpty();
    // The HA cycle's renewal finds it gone too: neither kept nor lost, decided again.
    assertThatThrownBy(a::renewLeader).isInstanceOf(DcsException.class);

    assertThat(a.acquireLeader()).isTrue();
    assertThat(reasons).isEmpty();
    assertThat(a.leaderKeyVacatedUntilNanos()).isEmpty();
    assertThat(a.holdsLeadership()).isTrue();
    assertThat(a.leaseStatus().leaseId()).isEqualTo(lease);
    assertThat(a.refresh().leader().orElseThrow().lease()).isEqualTo(lease);
  }

  @Test
  void aLeaderKeyDeletedAndTakenByAnotherMemberIsLost() throws Exception {
    EtcdDcs a = cluster.start("a");
    List<String> reasons = new CopyOnWriteArrayList<>();
    a.onLeadershipLost((reason, at) -> reasons.add(reason));
    assertThat(a.acquireLeader()).isTrue();
    EtcdDcs b = cluster.start("b");

    deleteLeaderKey(a);
    await().atMost(TTL).until(() -> b.refresh().isUnlocked());
    assertThat(b.acquireLeader()).isTrue();

    await().atMost(TTL).until(() -> !reasons.isEmpty());
    assertThat(reasons.get(0)).contains("names b");
    assertThat(a.leaderKeyVacatedUntilNanos()).isEmpty();
    assertThat(a.acquireLeader()).isFalse();
    assertThat(a.holdsLeadership()).isFalse();
  }

  @Test
  void aVacatedKeyFoundTakenWhenCreatedAgainIsLost() throws Exception {
    EtcdDcs a = cluster.start("a");
    List<String> reasons = new CopyOnWriteArrayList<>();
    a.onLeadershipLost((reason, at) -> reasons.add(reason));
    assertThat(a.acquireLeader()).isTrue();
    long lease = a.leaseStatus().leaseId();
    ByteSequence key = bs(a.keys().leader());

    try (Client raw =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      // Deleted, then written naming b, in one revision after the other; a's attempt must fail
      // whether or not its watch delivered b's write first.
      raw.getKVClient().delete(key).get(5, TimeUnit.SECONDS);
      await().atMost(TTL).until(() -> a.leaderKeyVacatedUntilNanos().isPresent());
      raw.getKVClient().put(key, bs("b")).get(5, TimeUnit.SECONDS);
    }
    assertThat(a.acquireLeader()).isFalse();
    assertThat(reasons).hasSize(1);
    assertThat(a.holdsLeadership()).isFalse();
    assertThat(a.leaseStatus().leaseId()).isEqualTo(lease);
  }

  @Test
  void aVacatedKeyEtcdDoesNotAnswerForIsLostWithinTheRequestTimeout() throws Exception {
    EtcdDcs a = cluster.start("a");
    List<String> reasons = new CopyOnWriteArrayList<>();
    a.onLeadershipLost((reason, at) -> reasons.add(reason));
    assertThat(a.acquireLeader()).isTrue();

    deleteLeaderKey(a);
    await().atMost(TTL).until(() -> a.leaderKeyVacatedUntilNanos().isPresent());
    // etcd hangs (SIGSTOP): no reset, no answer; the creation must give up, not wait.
    etcd.member(0).pause();
    try {
      long start = System.nanoTime();
      boolean acquired;
      try {
        acquired = a.acquireLeader();
      } catch (DcsException e) {
        acquired = false;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(acquired).isFalse();
      assertThat(took).isLessThan(TTL);
      assertThat(reasons).isNotEmpty();
      assertThat(a.holdsLeadership()).isFalse();
      assertThat(a.leaderKeyVacatedUntilNanos()).isEmpty();
    } finally {
      etcd.member(0).resume();
    }
  }

  private static void deleteLeaderKey(EtcdDcs dcs) throws Exception {
    try (Client raw =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      raw.getKVClient().delete(bs(dcs.keys().leader())).get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNewIncarnationOfTheLeaderTakesItsKeyOverOntoItsOwnLease() throws Exception {
    EtcdDcs first = cluster.start("a");
    assertThat(first.acquireLeader()).isTrue();
    long firstLease = first.leaseStatus().leaseId();
    EtcdDcs second = cluster.start("a");
    try {
      assertThat(second.acquireLeader()).isTrue();
      assertThat(second.refresh().leader().orElseThrow().lease())
          .isNotEqualTo(firstLease)
          .isEqualTo(second.leaseStatus().leaseId());
    } finally {
      first.close();
    }
  }

  @Test
  void renewalsConfirmLeadershipOnlyWhileTheKeyIsStillOursOnOurLease() throws Exception {
    EtcdDcs first = cluster.start("a");
    assertThat(first.leadershipConfirmedAtNanos()).isEmpty();
    assertThat(first.acquireLeader()).isTrue();
    // The acquisition confirms it; then each renewal (every 250 or 500 ms) followed by a read.
    assertThat(first.leadershipConfirmedAtNanos()).isPresent();
    long acquired = System.nanoTime();
    await()
        .atMost(TTL)
        .until(() -> first.leadershipConfirmedAtNanos().orElse(acquired) - acquired > 0);

    // A second incarnation takes the key over onto its own lease. The first one's view still
    // names "a" and its lease lives on, so it still believes it leads: exactly a deposed leader
    // that has not heard yet. Its renewals still succeed, but none confirms it any more.
    EtcdDcs second = cluster.start("a");
    try {
      assertThat(second.acquireLeader()).isTrue();
      // After the takeover committed: a renewal sent before it may still be confirmed by a read
      // that came before the commit, and rightly so.
      long takenAt = System.nanoTime();
      assertThat(second.leadershipConfirmedAtNanos()).isPresent();
      Thread.sleep(1000);
      assertThat(first.leaseStatus().lastConfirmedSendNanos() - takenAt)
          .as("the first incarnation's lease is still renewed")
          .isPositive();
      assertThat(first.leadershipConfirmedAtNanos().orElse(takenAt - 1) - takenAt)
          .as("no renewal sent after the takeover confirms the first incarnation")
          .isNegative();
      assertThat(second.leadershipConfirmedAtNanos().getAsLong() - takenAt).isPositive();
    } finally {
      second.close();
    }
  }

  @Test
  void onlyALeaderAFastTakeoverMayDeposeRenewsEvery250MsTheOthersFiveTimesPerTtl()
      throws Exception {
    // At ttl 20 a member that does not lead renews every 4 s; so does a leader whose sync key names
    // no standby (nobody can take over from it before its lease expires); the leader every 250 ms
    // once its sync key names a standby, because that standby reads its lease for silence.
    try (Contenders slow = new Contenders(etcd.clientEndpoints(), Duration.ofSeconds(20))) {
      EtcdDcs leader = slow.start("a");
      EtcdDcs replica = slow.start("b");
      assertThat(leader.acquireLeader()).isTrue();
      assertThat(replica.updateMember(Member.builder("b").state("running").build())).isTrue();
      assertThat(leader.fastTakeoverMayDepose()).isFalse();
      assertThat(renewalsWithin(leader, 3))
          .as("the relaxed leader's renewals in 3 s")
          .isLessThan(3);

      long beforeArming = System.nanoTime();
      assertThat(leader.writeSync(SyncState.of("a", List.of("b")), Dcs.ABSENT)).isTrue();
      assertThat(leader.fastTakeoverMayDepose()).isTrue();
      // A renewal sent and confirmed as leader before the write, so the standby finds it fresh.
      assertThat(leader.leadershipConfirmedAtNanos().getAsLong() - beforeArming).isPositive();
      assertThat(renewalsWithin(leader, 3)).as("the leader's renewals in 3 s").isGreaterThan(6);

      Set<Long> replicaRenewals = new HashSet<>();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() - until < 0) {
        replicaRenewals.add(replica.leaseStatus().lastConfirmedSendNanos());
        Thread.sleep(10);
      }
      assertThat(replicaRenewals).as("the replica's renewals in 3 s").hasSizeLessThanOrEqualTo(2);
      assertThat(replica.leaseStatus().isValidAt(System.nanoTime())).isTrue();
      assertThat(leader.holdsLeadership()).isTrue();

      // Cleared: relaxed again once the view shows it.
      long sync = leader.refresh().sync().orElseThrow().modRevision();
      assertThat(leader.clearSync(sync)).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> !leader.fastTakeoverMayDepose());
      Thread.sleep(300); // the renewal planned at the fast pace
      assertThat(renewalsWithin(leader, 3)).as("relaxed again: renewals in 3 s").isLessThan(3);
      assertThat(leader.holdsLeadership()).isTrue();
    }
  }

  @Test
  void aSyncKeyNamingAStandbyUnderTheLeaderFromAnEarlierTermExposesItFromTheStart()
      throws Exception {
    try (Contenders slow = new Contenders(etcd.clientEndpoints(), Duration.ofSeconds(20))) {
      EtcdDcs before = slow.start("a");
      assertThat(before.writeSync(SyncState.of("a", List.of("b")), Dcs.ABSENT)).isTrue();
      before.close();
      EtcdDcs leader = slow.start("a");
      leader.refresh();
      assertThat(leader.acquireLeader()).isTrue();
      assertThat(leader.fastTakeoverMayDepose()).isTrue();
      assertThat(renewalsWithin(leader, 2)).isGreaterThan(4);
    }
  }

  @Test
  void theHaCyclesRenewalSendsNothingRightAfterTheKeeperConfirmedLeadership() throws Exception {
    EtcdDcs leader = cluster.start("a");
    assertThat(leader.acquireLeader()).isTrue();
    long acquired = System.nanoTime();
    await()
        .atMost(TTL)
        .until(() -> leader.leadershipConfirmedAtNanos().orElse(acquired) - acquired > 0);
    double txns = counter("grpc_server_started_total", "Txn");
    for (int i = 0; i < 5; i++) {
      assertThat(leader.renewLeader()).isTrue();
    }
    assertThat(counter("grpc_server_started_total", "Txn") - txns).isZero();
  }

  /** The distinct confirmed renewals of {@code dcs}'s lease seen within {@code seconds}. */
  private static int renewalsWithin(EtcdDcs dcs, int seconds) throws InterruptedException {
    Set<Long> renewals = new HashSet<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long first = dcs.leaseStatus().lastConfirmedSendNanos();
    while (System.nanoTime() - until < 0) {
      long last = dcs.leaseStatus().lastConfirmedSendNanos();
      if (last != first) {
        renewals.add(last);
      }
      Thread.sleep(10);
    }
    return renewals.size();
  }

  @Test
  void changingTheTtlMovesTheLeaderAndMemberKeysToANewLease() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs observer = cluster.start("o");
    Member m = Member.builder("a").role(Role.PRIMARY).state("running").build();
    assertThat(a.updateMember(m)).isTrue();
    assertThat(a.acquireLeader()).isTrue();
    long before = a.leaseStatus().leaseId();

    a.changeTtl(Duration.ofSeconds(1));
    assertThat(a.leaseStatus().leaseId()).as("etcd cannot grant 1s: ignored").isEqualTo(before);

    a.changeTtl(TTL.plusSeconds(2));

    LeaseStatus after = a.leaseStatus();
    assertThat(after.leaseId()).isNotEqualTo(before);
    assertThat(after.ttlSeconds()).isEqualTo(TTL.toSeconds() + 2);
    assertThat(a.holdsLeadership()).isTrue();
    assertThat(leaseOf(a, "leader")).isEqualTo(after.leaseId());
    assertThat(leaseOf(a, "members/a")).isEqualTo(after.leaseId());
    // The old lease is revoked; the keys survive it.
    Thread.sleep(TTL.toMillis() + 500);
    assertThat(observer.refresh().isLeader("a")).isTrue();
    assertThat(observer.view().member("a")).hasValue(m);
    assertThat(a.renewLeader()).isTrue();
  }

  @Test
  void memberKeyIsWrittenOnItsLeaseOnlyWhenItsContentChanges() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs observer = cluster.start("o");
    Member m =
        Member.builder("a")
            .role(Role.REPLICA)
            .state("running")
            .connUrl("postgres://127.0.0.1:5432/postgres")
            .apiUrl("http://127.0.0.1:8008/patroni")
            .xlogLocation(100)
            .timeline(1)
            .build();
    assertThat(a.updateMember(m)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> observer.view().member("a").isPresent());
    assertThat(observer.view().member("a")).hasValue(m);
    long revision = modRevision(a, "members/a");
    await().atMost(Duration.ofSeconds(5)).until(() -> a.view().member("a").isPresent());

    assertThat(a.updateMember(m)).isFalse();
    assertThat(modRevision(a, "members/a")).isEqualTo(revision);

    Member moved = m.toBuilder().xlogLocation(200).build();
    assertThat(a.updateMember(moved)).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> observer.view().member("a").equals(Optional.of(moved)));
    assertThat(observer.view().member("a").orElseThrow().xlogLocation()).hasValue(200L);

    a.close();
    await().atMost(TTL.plusSeconds(3)).until(() -> observer.view().member("a").isEmpty());
  }

  @Test
  void configCompareAndSwapConflictsAreReportedNotOverwritten() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs b = cluster.start("b");
    DynamicConfig base = DynamicConfig.builder().ttl(20).loopWait(5).retryTimeout(5).build();

    assertThat(a.writeConfig(base, Dcs.ABSENT)).isTrue();
    assertThat(b.writeConfig(base.toBuilder().ttl(99).build(), Dcs.ABSENT)).isFalse();

    ClusterView seen = b.refresh();
    assertThat(seen.config()).hasValue(base);
    long revision = seen.configModRevision();
    assertThat(a.writeConfig(base.toBuilder().pause(true).build(), revision)).isTrue();
    assertThat(b.writeConfig(base.toBuilder().ttl(99).build(), revision)).isFalse();

    ClusterView after = b.refresh();
    assertThat(after.config().orElseThrow().pause()).isTrue();
    assertThat(after.config().orElseThrow().ttl()).isEqualTo(20);
  }

  @Test
  void failoverAndSyncCompareAndSwap() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs b = cluster.start("b");
    assertThat(a.writeFailover(FailoverRequest.switchover("a", "b"), Dcs.ABSENT)).isTrue();
    assertThat(b.writeFailover(FailoverRequest.failoverTo("c"), Dcs.ABSENT)).isFalse();

    FailoverRequest seen = b.refresh().failover().orElseThrow();
    assertThat(seen.candidate()).hasValue("b");
    assertThat(a.writeFailover(FailoverRequest.failoverTo("c"), seen.modRevision())).isTrue();
    assertThat(b.clearFailover(seen.modRevision())).as("stale revision").isFalse();
    assertThat(b.refresh().failover().orElseThrow().candidate()).hasValue("c");

    long current = b.view().failover().orElseThrow().modRevision();
    assertThat(b.clearFailover(current)).isTrue();
    assertThat(b.refresh().failover()).isEmpty();

    assertThat(a.writeSync(SyncState.of("a", List.of("b")), Dcs.ABSENT)).isTrue();
    SyncState sync = b.refresh().sync().orElseThrow();
    assertThat(b.writeSync(SyncState.of("b", List.of()), sync.modRevision() + 100)).isFalse();
    assertThat(a.writeSync(SyncState.of("a", List.of("b", "c")), sync.modRevision())).isTrue();
    assertThat(b.refresh().sync().orElseThrow().syncStandbys()).containsExactly("b", "c");
  }

  @Test
  void leaderOnlyKeysAreWrittenOnlyByTheLeader() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs b = cluster.start("b");
    assertThat(a.acquireLeader()).isTrue();

    assertThat(b.writeStatus(ClusterStatus.ofOptime(1))).isFalse();
    assertThat(a.writeStatus(ClusterStatus.ofOptime(42))).isTrue();
    HistoryEntry first =
        new HistoryEntry(
            1, 100, "no recovery target specified", Optional.empty(), Optional.of("a"));
    HistoryEntry second =
        new HistoryEntry(
            2, 200, "switchover", Optional.of("2026-11-26T10:00:00+00:00"), Optional.of("a"));
    assertThat(a.appendHistory(first, 0)).isTrue();
    assertThat(a.appendHistory(second, 0)).isTrue();
    assertThat(b.appendHistory(second, 0)).isFalse();
    assertThat(a.writeFailsafe(Map.of("a", "http://a/patroni"))).isTrue();

    ClusterView v = b.refresh();
    assertThat(v.status().orElseThrow().optime()).hasValue(42L);
    assertThat(v.history()).containsExactly(first, second);
    assertThat(v.failsafe()).hasValue(Map.of("a", "http://a/patroni"));
  }

  @Test
  void maxTimelinesHistoryKeepsOnlyTheLatestSwitches() throws Exception {
    EtcdDcs a = cluster.start("a");
    assertThat(a.acquireLeader()).isTrue();
    List<HistoryEntry> entries = new java.util.ArrayList<>();
    for (int timeline = 1; timeline <= 5; timeline++) {
      HistoryEntry e =
          new HistoryEntry(
              timeline, 100L * timeline, "switch " + timeline, Optional.empty(), Optional.of("a"));
      entries.add(e);
      // Unbounded (0) for the first three, as when the key is absent; then max_timelines_history 2.
      assertThat(a.appendHistory(e, timeline <= 3 ? 0 : 2)).isTrue();
      if (timeline == 3) {
        assertThat(a.refresh().history()).containsExactlyElementsOf(entries);
      }
    }
    assertThat(a.refresh().history()).containsExactly(entries.get(3), entries.get(4));
  }

  @Test
  void garbageInEveryKeyLeavesTheViewUsableAndTheWatchAlive() throws Exception {
    EtcdDcs a = cluster.start("a");
    EtcdDcs observer = cluster.start("o");
    assertThat(a.acquireLeader()).isTrue();
    assertThat(a.updateMember(Member.builder("a").role(Role.PRIMARY).state("running").build()))
        .isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> observer.view().member("a").isPresent());

    DcsKeys keys = cluster.keys();
    List<String> garbageKeys =
        List.of(
            keys.config(),
            keys.failover(),
            keys.sync(),
            keys.status(),
            keys.history(),
            keys.failsafe(),
            keys.initialize(),
            keys.member("z"));
    try (Client raw =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      for (String key : garbageKeys) {
        for (String garbage : List.of("{not json", "[1,2]", "\u0000\u00ff\u00fe", "")) {
          raw.getKVClient().put(bs(key), bs(garbage)).get(5, TimeUnit.SECONDS);
        }
      }
      raw.getKVClient().put(bs(keys.leader()), bs("   ")).get(5, TimeUnit.SECONDS);
    }
    // After the garbage, a valid change still arrives through the same watch.
    Member later = Member.builder("a").role(Role.PRIMARY).state("running").timeline(7).build();
    assertThat(a.updateMember(later)).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> observer.view().member("a").equals(Optional.of(later)));

    ClusterView v = observer.view();
    assertThat(v.config()).isEmpty();
    assertThat(v.effectiveConfig()).isEqualTo(DynamicConfig.defaults());
    assertThat(v.failover()).isEmpty();
    // An unreadable sync key names no one but stays, so that the leader can overwrite it.
    assertThat(v.sync().orElseThrow().leader()).isEmpty();
    assertThat(v.sync().orElseThrow().syncStandbys()).isEmpty();
    assertThat(v.status()).isEmpty();
    assertThat(v.history()).isEmpty();
    assertThat(v.failsafe()).isEmpty();
    assertThat(v.leader()).as("a blank leader value reads as no leader").isEmpty();
    assertThat(v.members()).containsOnlyKeys("a");
    assertThat(observer.refresh().members()).containsOnlyKeys("a");
    // The leader key was overwritten by hand: its former holder notices.
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.holdsLeadership());
  }

  @Test
  void aLeaderRenewsOnOneStreamWithOneRequestPerRenewal() throws Exception {
    EtcdDcs leader = cluster.start(1, "m").get(0);
    assertThat(leader.acquireLeader()).isTrue();
    // The fast path's pace: a synchronous standby is named.
    assertThat(leader.writeSync(SyncState.of("m1", List.of("m2")), Dcs.ABSENT)).isTrue();
    Thread.sleep(1000); // the stream is open
    double streams = keepAliveCounter("grpc_server_started_total");
    double requests = keepAliveCounter("grpc_server_msg_received_total");

    Thread.sleep(3000);

    // Renewed every 250 ms (the fast path's pace, the default): about 12 renewals, each one
    // request on the same stream (jetcd's keepAliveOnce opens a stream per renewal and sends its
    // request twice).
    double renewals = keepAliveCounter("grpc_server_msg_received_total") - requests;
    assertThat(renewals).isBetween(4.0, 16.0);
    assertThat(keepAliveCounter("grpc_server_started_total") - streams).isZero();
    assertThat(leader.holdsLeadership()).isTrue();
    assertThat(leader.leaseStatus().isValidAt(System.nanoTime())).isTrue();
  }

  @Test
  void aLeaseRevokedBehindTheMembersBackIsReportedGoneByItsRenewals() throws Exception {
    EtcdDcs member = cluster.start(1, "m").get(0);
    assertThat(member.acquireLeader()).isTrue();
    long lease = member.leaseStatus().leaseId();

    try (Client other =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      other.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
    }

    // Only a renewal answered "not found" forgets the lease (the watch sees the key go).
    await().atMost(TTL).until(() -> member.leaseStatus().leaseId() == 0);
    assertThat(member.holdsLeadership()).isFalse();
    // A new lease is renewed on a new stream.
    assertThat(member.acquireLeader()).isTrue();
    long renewedBefore = member.leaseStatus().lastConfirmedSendNanos();
    await()
        .atMost(TTL)
        .until(() -> member.leaseStatus().lastConfirmedSendNanos() - renewedBefore > 0);
  }

  /** etcd's counter {@code metric} of the LeaseKeepAlive method (all its label sets). */
  private static double keepAliveCounter(String metric) throws Exception {
    return counter(metric, "LeaseKeepAlive");
  }

  /** etcd's counter {@code metric} of the gRPC method {@code method} (all its label sets). */
  private static double counter(String metric, String method) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(etcd.clientEndpoints().get(0) + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile(
                "(?m)^" + metric + "\\{[^}]*grpc_method=\"" + method + "\"[^}]*\\}\\s+(\\S+)$")
            .matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static long leaseOf(EtcdDcs dcs, String relative) throws Exception {
    try (Client raw =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      return raw.getKVClient()
          .get(bs(dcs.keys().prefix() + relative))
          .get(5, TimeUnit.SECONDS)
          .getKvs()
          .get(0)
          .getLease();
    }
  }

  private static long modRevision(EtcdDcs dcs, String relative) throws Exception {
    try (Client raw =
        Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      return raw.getKVClient()
          .get(bs(dcs.keys().prefix() + relative))
          .get(5, TimeUnit.SECONDS)
          .getKvs()
          .get(0)
          .getModRevision();
    }
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  interface DcsCall<T> {
    T call(EtcdDcs dcs) throws Exception;
  }

  /** Runs {@code call} on every member at the same instant. */
  static <T> List<T> race(List<EtcdDcs> members, DcsCall<T> call) throws Exception {
    // Warm every client up first, so that the race is between requests, not connections.
    for (EtcdDcs m : members) {
      m.refresh();
    }
    ExecutorService pool = Executors.newFixedThreadPool(members.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new CopyOnWriteArrayList<>();
      for (EtcdDcs m : members) {
        Callable<T> task =
            () -> {
              go.await();
              return call.call(m);
            };
        futures.add(pool.submit(task));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
