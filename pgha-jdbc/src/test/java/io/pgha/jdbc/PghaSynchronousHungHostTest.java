package io.pgha.jdbc;

/** {@link HungHostScenarios} over pgha in synchronous mode (pg_rpo 0): the frozen leader. */
class PghaSynchronousHungHostTest extends HungHostScenarios {

  @Override
  ClusterUnderTest startCluster() {
    return PghaHungHostTest.pghaCluster(0);
  }
}
