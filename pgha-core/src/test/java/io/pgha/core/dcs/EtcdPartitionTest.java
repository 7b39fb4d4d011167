package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.pgha.patroni.DynamicConfig;
import io.pgha.testkit.FaultProxy;
import io.pgha.testkit.LocalEtcd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A leader cut off from etcd by a TCP proxy must report the loss before any other member can
 * acquire the key. All instants come from one monotonic clock: both members live in this JVM.
 */
class EtcdPartitionTest {
  private static final Duration TTL = Duration.ofSeconds(3);
  private static LocalEtcd etcd;

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

  @Test
  void aLeaderCutOffReportsTheLossBeforeAnotherCanAcquire() throws Exception {
    assertLossComesFirst(FaultProxy::cut);
  }

  @Test
  void aLeaderWhoseRequestsVanishReportsTheLossBeforeAnotherCanAcquire() throws Exception {
    assertLossComesFirst(FaultProxy::blackhole);
  }

  @Test
  void aWatcherCutOffCatchesUpAfterReconnectingAcrossACompaction() throws Exception {
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", etcd.member(0).clientPort());
        Contenders cluster = new Contenders(etcd.clientEndpoints(), TTL);
        Client raw =
            Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      EtcdDcs watcher =
          cluster.start(
              cluster.config("w").endpoints(List.of("http://" + proxy.endpoint())).build());
      EtcdDcs a = cluster.start("a");
      EtcdDcs b = cluster.start("b");
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(a::acquireLeader);
      await().atMost(Duration.ofSeconds(5)).until(() -> watcher.view().isLeader("a"));
      List<ViewChange> rereads = new CopyOnWriteArrayList<>();
      watcher.subscribe(
          change -> {
            if (change.reread()) {
              rereads.add(change);
            }
          });

      proxy.cut();
      assertThat(a.releaseLeader()).isTrue();
      assertThat(b.acquireLeader()).isTrue();
      assertThat(b.writeConfig(DynamicConfig.builder().ttl(12).build(), Dcs.ABSENT)).isTrue();
      long revision = b.refresh().revision();
      raw.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
      assertThat(watcher.view().isLeader("a"))
          .as("the cut-off watcher still has the old view")
          .isTrue();

      proxy.heal();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  watcher.view().isLeader("b")
                      && watcher.view().config().map(c -> c.ttl() == 12).orElse(false));
      assertThat(rereads).as("everything was re-read").isNotEmpty();
      assertThat(watcher.view().revision()).isGreaterThanOrEqualTo(revision);
    }
  }

  private void assertLossComesFirst(Consumer<FaultProxy> fault) throws Exception {
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", etcd.member(0).clientPort());
        Contenders cluster = new Contenders(etcd.clientEndpoints(), TTL)) {
      EtcdDcs cutOff =
          cluster.start(
              cluster.config("a").endpoints(List.of("http://" + proxy.endpoint())).build());
      EtcdDcs other = cluster.start("b");
      List<Long> losses = new CopyOnWriteArrayList<>();
      cutOff.onLeadershipLost((reason, at) -> losses.add(at));
      // Setting up is not under test: on a loaded machine a first call may time out.
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(cutOff::acquireLeader);
      await().atMost(Duration.ofSeconds(5)).until(() -> other.view().isLeader("a"));
      // On a starved machine even a healthy leader can miss its deadline; start from a moment
      // where it certainly leads.
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> cutOff.renewLeader() && cutOff.holdsLeadership());
      long leadingAt = System.nanoTime();
      fault.accept(proxy);

      // The other member tries as an HA loop would; the attempt that wins was sent at sentAt.
      long sentAt = 0;
      long deadline = System.nanoTime() + TTL.multipliedBy(4).toNanos();
      while (System.nanoTime() - deadline < 0) {
        long attempt = System.nanoTime();
        try {
          if (other.acquireLeader()) {
            sentAt = attempt;
            break;
          }
        } catch (DcsException e) {
          // A slow answer counts as a failed attempt; try again as an HA loop would.
        }
        Thread.sleep(25);
      }
      assertThat(sentAt).as("the other member acquired the key").isNotZero();
      long acquireSentAt = sentAt;
      losses.stream()
          .filter(at -> at > leadingAt)
          .findFirst()
          .ifPresent(
              at ->
                  LoggerFactory.getLogger(EtcdPartitionTest.class)
                      .info(
                          "measured: loss reported {} ms after the fault, {} ms before the other member's winning acquire was sent",
                          TimeUnit.NANOSECONDS.toMillis(at - leadingAt),
                          TimeUnit.NANOSECONDS.toMillis(acquireSentAt - at)));
      assertThat(losses)
          .as("the cut-off leader reported the loss before the winning acquire was even sent")
          .anySatisfy(at -> assertThat(at).isGreaterThan(leadingAt).isLessThan(acquireSentAt));
      assertThat(cutOff.holdsLeadership()).isFalse();
      proxy.heal();
    }
  }
}
