package io.pgha.jdbc;

import io.pgha.testkit.cluster.LocalPghaCluster;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link HungHostScenarios} over pgha in asynchronous mode (ttl 10 s), agents in JVMs of their own
 * so that a host can be frozen; with the replica cases.
 */
class PghaHungHostTest extends HungHostScenarios {

  static ClusterUnderTest pghaCluster(long maximumLagOnFailover) {
    LocalPghaCluster cluster =
        new LocalPghaCluster(
                3, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(3))
            .agentsInOwnJvm(true)
            .maximumLagOnFailover(maximumLagOnFailover);
    try {
      cluster.startAll();
      PghaClusterUnderTest underTest = new PghaClusterUnderTest(cluster);
      underTest.awaitHealthy(WAIT);
      return underTest;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  @Override
  ClusterUnderTest startCluster() {
    return pghaCluster(1024 * 1024);
  }

  @Test
  @Order(1)
  void killedReplica() throws Exception {
    afterAReadFailsOnAKilledReplicaTheNextReadsGoElsewhereWithoutWaiting();
  }

  @Test
  @Order(2)
  void frozenReplica() throws Exception {
    aReadBlockedOnAFrozenReplicaReturnsOnceItLeavesTheReadSet();
  }
}
