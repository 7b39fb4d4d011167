package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.core.agent.AgentEvent;
import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.ApiResponse;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failsafe mode in a cluster of one (Patroni's dcs_failsafe_mode.feature, "check one-node cluster
 * is functioning while DCS is down"): with etcd gone, the only member keeps running as primary and
 * says so with {@code failsafe_mode_is_active}; real etcd and PostgreSQL.
 */
class PghaAgentFailsafeAloneTest {
  private static final Duration TTL = Duration.ofSeconds(6);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private static LocalPghaCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster =
        new LocalPghaCluster(1, 1, TTL, Duration.ofSeconds(1), Duration.ofSeconds(2))
            .failsafeMode(true);
    cluster.startAll();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.etcd().members().forEach(EtcdMember::resume);
      cluster.close();
    }
  }

  @Test
  void theOnlyMemberStaysPrimaryThroughAnEtcdOutageAndSaysFailsafeIsActive() throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    await()
        .atMost(CONVERGE)
        .until(() -> primary.api("GET", "/failsafe", null).body().contains(primary.name));
    // The HA loop works from the view of its last cycle: let a few cycles see the key.
    Thread.sleep(3000);
    long lost = System.nanoTime();
    cluster.etcd().members().forEach(EtcdMember::pause);
    try {
      await()
          .atMost(TTL.multipliedBy(2))
          .until(
              () ->
                  primary.api("GET", "/primary", null).body().contains("failsafe_mode_is_active"));
      // Three ttl without etcd: far beyond the lease.
      await().pollDelay(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(4)).until(() -> true);
      assertPrimaryOnFailsafe(cluster, primary, lost);
    } finally {
      cluster.etcd().members().forEach(EtcdMember::resume);
    }
  }

  /**
   * The only writable primary is {@code primary}, which says it runs on failsafe mode and was not
   * demoted since {@code lost}.
   */
  static void assertPrimaryOnFailsafe(LocalPghaCluster cluster, Node primary, long lost)
      throws Exception {
    ApiResponse r = primary.api("GET", "/primary", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"failsafe_mode_is_active\":true");
    assertThat(primary.firstEventNanos(AgentEvent.Demoted.class, lost)).isEmpty();
    assertThat(cluster.writablePrimaries()).containsExactly(primary);
  }
}
