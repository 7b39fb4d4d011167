package io.pgha.jdbc;

import io.pgha.core.LocalPghaCluster;
import java.time.Duration;

/** The DataSource over a pgha cluster: three agents, synchronous mode. */
class PghaClusterTest extends FailoverScenarios {

  @Override
  ClusterUnderTest startCluster() {
    LocalPghaCluster cluster =
        new LocalPghaCluster(
            3, Duration.ofSeconds(8), Duration.ofSeconds(1), Duration.ofSeconds(3));
    try {
      cluster.startAll();
      cluster.awaitHealthy(Duration.ofSeconds(90));
      return new PghaClusterUnderTest(cluster);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }
}
