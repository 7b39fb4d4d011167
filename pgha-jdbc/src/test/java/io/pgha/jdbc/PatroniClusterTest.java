package io.pgha.jdbc;

/**
 * The DataSource over Patroni 3.0.2 (the Debian package), synchronous mode: what an application
 * gets when it points pgha-jdbc at an existing Patroni cluster.
 */
class PatroniClusterTest extends FailoverScenarios {

  @Override
  ClusterUnderTest startCluster() {
    return new PatroniClusterUnderTest("pgt");
  }
}
