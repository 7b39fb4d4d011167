package io.pgha.spring.boot.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.spring.boot.LeaderChangeHistory;
import io.pgha.spring.boot.PghaDataSourceConfigCustomizer;
import io.pgha.spring.boot.PghaDataSourceProperties;
import io.pgha.spring.boot.PghaEtcdProperties;
import io.pgha.spring.boot.metrics.PghaMeterRegistryBinding;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The topology-aware {@link DataSource} from {@code pgha.datasource.*} and {@code pgha.etcd.*}:
 * writes go to the leader, {@code @Transactional(readOnly = true)} work to replicas. It runs before
 * Spring Boot's own DataSource auto-configuration, which then backs off. With no pgha property at
 * all (and no customizer, no embedded agent) it backs off itself ({@link PghaConfiguredCondition}),
 * leaving Boot's DataSource.
 *
 * <p>No {@code LazyConnectionDataSourceProxy} is needed: a pgha connection binds to a server on its
 * first statement, so the {@code setReadOnly(true)} Spring's transaction manager calls when a
 * read-only transaction begins already routes the work to a replica.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({TopologyAwareDataSource.class, DataSource.class})
@ConditionalOnProperty(
    prefix = "pgha.datasource",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@Conditional(PghaConfiguredCondition.class)
@EnableConfigurationProperties({PghaDataSourceProperties.class, PghaEtcdProperties.class})
public class PghaDataSourceAutoConfiguration {

  /** Records the last leader changes for the actuator endpoint; cheap, always present. */
  @Bean
  @ConditionalOnMissingBean
  public LeaderChangeHistory pghaLeaderChangeHistory() {
    return new LeaderChangeHistory();
  }

  /** The configuration, checked at start (bad values fail the start, naming the property). */
  @Bean
  @ConditionalOnMissingBean
  public PghaDataSourceConfig pghaDataSourceConfig(
      PghaDataSourceProperties properties,
      PghaEtcdProperties etcd,
      ObjectProvider<PghaMetrics> metrics,
      ObjectProvider<PghaMeterRegistryBinding> meterRegistry,
      ObjectProvider<CircuitBreakerRegistry> circuitBreakers,
      ObjectProvider<PghaDataSourceConfigCustomizer> customizers) {
    List<PghaDataSourceConfigCustomizer> all = new ArrayList<>();
    // The registries first: the application's customizers come after them and may change them.
    meterRegistry.ifAvailable(binding -> all.add(binding::applyTo));
    circuitBreakers.ifAvailable(registry -> all.add(b -> b.circuitBreakerRegistry(registry)));
    all.addAll(customizers.orderedStream().toList());
    return DataSourceConfigFactory.create(
        properties, etcd, PghaMetrics.composite(metrics.orderedStream().toList()), all);
  }

  /**
   * The DataSource. When an embedded agent runs in this application, it is started first, so that
   * the DataSource finds the cluster it is part of.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(DataSource.class)
  public TopologyAwareDataSource dataSource(
      PghaDataSourceConfig config, ObjectProvider<PghaStartBarrier> startBarriers) {
    startBarriers.orderedStream().forEach(PghaStartBarrier::awaitReady);
    try {
      return new TopologyAwareDataSource(config);
    } catch (IllegalStateException e) {
      String source =
          switch (config.sourceKind()) {
            case ETCD -> "etcd " + config.etcdEndpoints() + " at " + config.keyPrefix();
            case HTTP -> "the agents' HTTP API " + config.httpEndpoints();
            case STATIC -> "the servers " + config.staticHosts();
            case CUSTOM -> "the custom topology source";
          };
      throw new TopologyUnavailableException(source, e);
    }
  }
}
