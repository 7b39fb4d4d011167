package io.pgha.spring.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.spring.boot.PghaDataSourceProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for the DataSource, when Micrometer and a {@link MeterRegistry} are present.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    beforeName = "io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, TopologyAwareDataSource.class})
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties(PghaDataSourceProperties.class)
public class PghaMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public MicrometerPghaMetrics pghaMicrometerMetrics(
      MeterRegistry registry, PghaDataSourceProperties properties) {
    return new MicrometerPghaMetrics(registry, properties.getPoolName());
  }
}
