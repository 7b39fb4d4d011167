package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.LocalEtcd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leadership on a 3-member etcd that loses one member, then its quorum. */
class EtcdQuorumTest {
  private static final Duration TTL = Duration.ofSeconds(4);

  private LocalEtcd etcd;
  private Contenders cluster;

  /** When and why leadership was reported lost, with the lease as known at that moment. */
  record Loss(long atNanos, String reason, LeaseStatus lease) {}

  @BeforeEach
  void start() {
    etcd = LocalEtcd.start(3);
    cluster = new Contenders(etcd.clientEndpoints(), TTL);
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void losingOneEtcdMemberDoesNotInterruptLeadership() throws Exception {
    EtcdDcs holder = cluster.start("a");
    EtcdDcs other = cluster.start("b");
    List<Loss> losses = recordLosses(holder);
    assertThat(holder.acquireLeader()).isTrue();

    // The harshest single loss: the etcd leader itself dies, and etcd must elect another.
    EtcdMember etcdLeader = etcd.member(etcdLeaderIndex());
    etcdLeader.kill();

    long until = System.nanoTime() + TTL.multipliedBy(3).toNanos();
    while (System.nanoTime() - until < 0) {
      assertThat(holder.holdsLeadership()).isTrue();
      try {
        holder.renewLeader();
      } catch (DcsException e) {
        // A renewal may land on the dead member or during the election; the lease deadline, not
        // a single call, decides.
      }
      Thread.sleep(TTL.toMillis() / 8);
    }
    assertThat(losses).isEmpty();
    assertThat(holder.holdsLeadership()).isTrue();
    assertThat(holder.renewLeader()).isTrue();
    assertThat(other.acquireLeader()).isFalse();
    assertThat(other.refresh().isLeader("a")).isTrue();
  }

  @Test
  void losingQuorumMakesTheHolderGiveUpBeforeItsLeaseCanExpireInEtcd() throws Exception {
    EtcdDcs holder = cluster.start("a");
    List<Loss> losses = recordLosses(holder);
    assertThat(holder.acquireLeader()).isTrue();
    assertThat(holder.renewLeader()).isTrue();

    List<EtcdMember> paused = List.of(etcd.member(0), etcd.member(1));
    long pausedAt = System.nanoTime();
    paused.forEach(EtcdMember::pause);
    try {
      await()
          .atMost(TTL.plusSeconds(2))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !losses.isEmpty());
      Loss loss = losses.get(0);
      assertThat(holder.holdsLeadership()).isFalse();
      // Reported while etcd still has no quorum, i.e. before anyone else could be elected...
      assertThat(etcd.member(0).isPaused()).isTrue();
      // ...and before the earliest instant etcd could expire the lease: it cannot have received
      // the last confirmed keep-alive before it was sent, and keeps the lease ttl after that.
      assertThat(loss.atNanos())
          .isLessThan(loss.lease().lastConfirmedSendNanos() + TTL.toNanos())
          .isGreaterThan(pausedAt);
      assertThat(loss.lease().lastConfirmedSendNanos()).isLessThanOrEqualTo(pausedAt);
    } finally {
      paused.forEach(EtcdMember::resume);
    }

    // Quorum back: with no other contender, the member leads again (its key survived or it
    // acquires it anew), on a lease it renews.
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> holder.renewLeader() || holder.acquireLeader());
    assertThat(holder.holdsLeadership()).isTrue();
  }

  private static List<Loss> recordLosses(EtcdDcs dcs) {
    List<Loss> losses = new CopyOnWriteArrayList<>();
    dcs.onLeadershipLost((reason, at) -> losses.add(new Loss(at, reason, dcs.leaseStatus())));
    return losses;
  }

  private int etcdLeaderIndex() throws Exception {
    List<EtcdMember> members = etcd.members();
    for (int i = 0; i < members.size(); i++) {
      String endpoint = members.get(i).clientEndpoint();
      try (Client c = Client.builder().endpoints(endpoint).build()) {
        StatusResponse s =
            c.getMaintenanceClient().statusMember(endpoint).get(10, TimeUnit.SECONDS);
        if (s.getLeader() == s.getHeader().getMemberId()) {
          return i;
        }
      }
    }
    throw new AssertionError("no etcd member says it is the leader");
  }
}
