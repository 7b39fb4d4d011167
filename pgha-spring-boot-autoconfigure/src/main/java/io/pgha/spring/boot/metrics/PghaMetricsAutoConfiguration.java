package io.pgha.spring.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.jdbc.TopologyAwareDataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for the DataSource, when Micrometer and a {@link MeterRegistry} are present:
 * the registry is handed to pgha-jdbc, which registers pgha's meters and every member pool's
 * HikariCP meters; this only wires it.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    beforeName = "io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, TopologyAwareDataSource.class})
@ConditionalOnBean(MeterRegistry.class)
public class PghaMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public PghaMeterRegistryBinding pghaMeterRegistryBinding(MeterRegistry registry) {
    return new PghaMeterRegistryBinding(registry);
  }
}
