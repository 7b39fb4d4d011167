package io.pgha.jdbc;

/**
 * {@link HungHostScenarios} over Patroni 3.0.2 (asynchronous): the client behaves the same with a
 * frozen leader whichever HA layer runs the cluster.
 */
class PatroniHungHostTest extends HungHostScenarios {

  @Override
  ClusterUnderTest startCluster() {
    return new PatroniClusterUnderTest("pgthh", false);
  }
}
