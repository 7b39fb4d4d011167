package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.ApiResponse;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Failsafe mode turned on through {@code PATCH /config} in a cluster of one, then etcd frozen with
 * SIGSTOP the moment the {@code failsafe} key appears: the steps and timings of Patroni's
 * dcs_failsafe_mode.feature ("check failsafe mode can be successfully enabled", then "check
 * one-node cluster is functioning while DCS is down"), on real etcd and PostgreSQL.
 *
 * <p>A frozen etcd keeps its connections open and answers nothing: every call of the HA loop waits
 * out its timeout, so the cycle that runs when etcd stops ends only seconds later, and its view
 * predates the {@code failsafe} key written just before. The leader must still turn to its members
 * (here: none) once {@code retry_timeout} passes without a renewal, and say so within the feature's
 * 12 s.
 */
class PghaAgentFailsafeFrozenEtcdTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  /**
   * The feature's bound for {@code failsafe_mode_is_active} (ttl 20, retry_timeout 5): "after 12
   * seconds" is 12 requests, one second apart (patroni_api.py, check_http_response).
   */
  private static final int ACTIVE_TRIES = 12;

  private static final Duration TTL_AFTER_PATCH = Duration.ofSeconds(20);

  @Test
  void aLeaderFrozenOutOfEtcdRightAfterFailsafeIsTurnedOnStaysPrimaryAndSaysSo() throws Exception {
    // The harness's bootstrap settings: ttl 30, loop_wait 2, retry_timeout 10, failsafe off.
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
            1, 1, Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(10))) {
      cluster.startAll();
      turnOnFailsafeThenFreezeEtcd(cluster);
    }
  }

  private static void turnOnFailsafeThenFreezeEtcd(LocalPghaCluster cluster) throws Exception {
    Node primary = cluster.awaitHealthy(CONVERGE);
    Thread.sleep(3000);
    ApiResponse patched =
        primary.api(
            "PATCH",
            "/config",
            "{\"loop_wait\": 2, \"ttl\": 20, \"retry_timeout\": 5, \"failsafe_mode\": true}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> primary.api("GET", "/failsafe", null).body().contains(primary.name));
    // The feature changes the configuration twice more and stops etcd at once: the cycles these
    // changes wake are the ones a frozen etcd blocks.
    primary.api(
        "PATCH", "/config", "{\"postgresql\": {\"parameters\": {\"wal_level\": \"logical\"}}}");
    primary.api(
        "PATCH",
        "/config",
        "{\"slots\": {\"dcs_slot_0\": {\"type\": \"logical\", \"database\": \"postgres\","
            + " \"plugin\": \"test_decoding\"}}}");

    long lost = System.nanoTime();
    cluster.etcd().members().forEach(EtcdMember::pause);
    try {
      assertThat(saysWithinTries(primary, "/primary", "failsafe_mode_is_active", ACTIVE_TRIES))
          .as("failsafe_mode_is_active in GET /primary within the feature's %d tries", ACTIVE_TRIES)
          .isTrue();
      // Past the lease (its deadline is ttl - ttl/4 after the last renewal etcd confirmed).
      Thread.sleep(TTL_AFTER_PATCH.toMillis());
      PghaAgentFailsafeAloneTest.assertPrimaryOnFailsafe(cluster, primary, lost);
    } finally {
      cluster.etcd().members().forEach(EtcdMember::resume);
    }
  }

  /** As the feature's step: {@code tries} GET requests one second apart; true once one says it. */
  private static boolean saysWithinTries(Node node, String path, String value, int tries)
      throws Exception {
    for (int i = 0; i < tries; i++) {
      if (node.api("GET", path, null).body().contains(value)) {
        return true;
      }
      Thread.sleep(1000);
    }
    return false;
  }
}
