package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.config.PghaConfig;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TransactionRetrier;
import io.pgha.spring.boot.agent.PghaAgentProperties;
import org.junit.jupiter.api.Test;

/** The properties' literal defaults (for the metadata) are pgha-jdbc's and pgha-core's. */
class PghaPropertiesDefaultsTest {

  @Test
  void dataSourceDefaultsAreTheLibrarysDefaults() {
    PghaDataSourceProperties p = new PghaDataSourceProperties();
    PghaDataSourceConfig c =
        PghaDataSourceConfig.builder()
            .topologySource(FixedTopologySource.leaderAndReplica())
            .build();
    assertThat(new PghaEtcdProperties().namespace().value())
        .isEqualTo(c.namespace())
        .isEqualTo(PghaConfig.DEFAULT_NAMESPACE);
    assertThat(p.getPollInterval()).isEqualTo(c.pollInterval());
    assertThat(p.getDatabase()).isEqualTo(c.database());
    assertThat(p.getMaximumPoolSize()).isEqualTo(c.maximumPoolSize());
    assertThat(p.getMinimumIdle()).isEqualTo(c.minimumIdle());
    assertThat(p.getConnectionTimeout()).isEqualTo(c.connectionTimeout());
    assertThat(p.getIdleTimeout()).isEqualTo(c.idleTimeout());
    assertThat(p.getMaxLifetime()).isEqualTo(c.maxLifetime());
    assertThat(p.getReadPolicy()).isEqualTo(c.readPolicy());
    assertThat(p.getMaxReplicaLagBytes()).isEqualTo(c.maxReplicaLagBytes());
    assertThat(p.isFallbackToLeader()).isEqualTo(c.fallbackToLeader());
    assertThat(p.getLeaderWaitTimeout()).isEqualTo(c.leaderWaitTimeout());
    assertThat(p.getStartTimeout()).isEqualTo(c.startTimeout());
    assertThat(p.getReplayLagProbeInterval()).isEqualTo(c.replayLagProbeInterval());
    assertThat(p.getReplicaCircuitOpenDuration()).isEqualTo(c.replicaCircuitOpenDuration());
    assertThat(p.isTcpKeepAlive()).isEqualTo(c.tcpKeepAlive());
    assertThat(p.getConnectTimeout()).isEqualTo(c.connectTimeout());
    assertThat(p.getSocketTimeout()).isEqualTo(c.socketTimeout());
    assertThat(p.getPoolName()).isEqualTo(c.poolName());
  }

  @Test
  void retryAndAgentDefaultsAreTheLibrarysDefaults() {
    PghaRetryProperties r = new PghaRetryProperties();
    assertThat(r.getMaxAttempts()).isEqualTo(TransactionRetrier.DEFAULT_MAX_ATTEMPTS);
    assertThat(r.getWait()).isEqualTo(TransactionRetrier.DEFAULT_WAIT);
    PghaAgentProperties a = new PghaAgentProperties();
    assertThat(a.getPreset()).isEqualTo(PghaConfig.DEFAULT_PRESET);
    assertThat(a.getMaximumLagOnFailover()).isEqualTo(PghaConfig.DEFAULT_PG_RPO_BYTES);
  }
}
