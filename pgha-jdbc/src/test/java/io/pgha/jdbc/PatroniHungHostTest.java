package io.pgha.jdbc;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link HungHostScenarios} over Patroni 3.0.2 (asynchronous): the client behaves the same with a
 * frozen leader, a frozen replica and a killed replica whichever HA layer runs the cluster.
 */
class PatroniHungHostTest extends HungHostScenarios {

  @Override
  ClusterUnderTest startCluster() {
    return new PatroniClusterUnderTest("pgthh", false);
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
