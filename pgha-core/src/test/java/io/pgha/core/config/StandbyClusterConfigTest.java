package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.patroni.DynamicConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PghaConfig.Builder#standbyCluster}: Patroni's {@code standby_cluster} for a new cluster.
 */
class StandbyClusterConfigTest {

  @Test
  void theSectionIsPartOfTheNewClustersConfigurationBesideBootstrapDcs() {
    DynamicConfig initial =
        PghaConfigTest.valid()
            .bootstrapDcs(d -> d.extra(Map.of("slots", Map.of())))
            .standbyCluster(Map.of("host", "10.0.0.9", "recovery_min_apply_delay", "1h"))
            .build()
            .initialDynamicConfig();

    assertThat(initial.isStandbyCluster()).isTrue();
    assertThat(initial.extra()).containsKey("slots");
    assertThat(StandbyCluster.of(initial).orElseThrow().recoveryMinApplyDelay()).contains("1h");
    assertThat(PghaConfigTest.valid().build().initialDynamicConfig().isStandbyCluster()).isFalse();
  }

  @Test
  void aSectionThatCannotBeFollowedIsAProblemWithItsRule() {
    assertThatThrownBy(
            () ->
                PghaConfigTest.valid()
                    .standbyCluster(Map.of("host", "10.0.0.9", "port", 0))
                    .build())
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .containsExactly("standby_cluster.port (0) must be a port number in 1..65535"));
  }
}
