package io.pgha.jdbc;

import io.pgha.testkit.cluster.LocalPghaCluster;
import java.time.Duration;

/**
 * The DataSource over a pgha cluster: three agents in synchronous mode, so that a primary host
 * failure loses no acknowledged commit and the scenarios can count every unit of work.
 */
class PghaClusterTest extends FailoverScenarios {

  @Override
  ClusterUnderTest startCluster() {
    LocalPghaCluster cluster =
        new LocalPghaCluster(3, Duration.ofSeconds(8), Duration.ofSeconds(1), Duration.ofSeconds(3))
            .maximumLagOnFailover(0); // pg_rpo 0: synchronous mode from the bootstrap
    try {
      cluster.startAll();
      PghaClusterUnderTest underTest = new PghaClusterUnderTest(cluster);
      underTest.awaitHealthy(Duration.ofSeconds(90));
      return underTest;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }
}
