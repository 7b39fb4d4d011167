package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.core.PghaAgent;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.spring.boot.actuate.PghaActuatorAutoConfiguration;
import io.pgha.spring.boot.actuate.PghaEndpoint;
import io.pgha.spring.boot.actuate.PghaHealthIndicator;
import io.pgha.spring.boot.actuate.PghaManagementEndpoint;
import io.pgha.spring.boot.agent.PghaAgentAutoConfiguration;
import io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration;
import io.pgha.spring.boot.metrics.PghaMeterRegistryBinding;
import io.pgha.spring.boot.metrics.PghaMetricsAutoConfiguration;
import io.pgha.spring.boot.retry.PghaRetryAutoConfiguration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Which beans exist under which conditions: classes absent, properties off, user beans present. */
class PghaAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  PghaDataSourceAutoConfiguration.class,
                  PghaRetryAutoConfiguration.class,
                  PghaAgentAutoConfiguration.class,
                  PghaMetricsAutoConfiguration.class,
                  DataSourceAutoConfiguration.class,
                  DataSourceTransactionManagerAutoConfiguration.class,
                  TransactionAutoConfiguration.class))
          .withUserConfiguration(FixedTopology.class);

  @Configuration(proxyBeanMethods = false)
  static class FixedTopology {
    @Bean
    PghaDataSourceConfigCustomizer fixedTopology() {
      return b -> b.topologySource(FixedTopologySource.leaderAndReplica());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserDataSource {
    @Bean
    DataSource userDataSource() {
      return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserHistory {
    @Bean
    LeaderChangeHistory myHistory() {
      return new LeaderChangeHistory();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserRetry {
    @Bean
    FailoverRetry myRetry() {
      return new FailoverRetry(2, java.time.Duration.ZERO);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void theDataSourceIsTheTopologyAwareOneAndBootsOwnBacksOff() {
    runner
        .withPropertyValues("pgha.datasource.username=app", "pgha.datasource.password=s3cret")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(DataSource.class);
              assertThat(ctx.getBean(DataSource.class)).isInstanceOf(TopologyAwareDataSource.class);
              TopologyAwareDataSource ds = ctx.getBean(TopologyAwareDataSource.class);
              assertThat(ds.topology().leaderName()).isEqualTo("pg1");
              assertThat(ds.config().username()).isEqualTo("app");
              assertThat(ds.config().toString()).doesNotContain("s3cret");
              assertThat(ctx).hasSingleBean(LeaderChangeHistory.class);
              assertThat(ctx)
                  .hasSingleBean(org.springframework.transaction.PlatformTransactionManager.class);
            });
  }

  @Test
  void propertiesReachTheConfiguration() {
    runner
        .withPropertyValues(
            "pgha.datasource.read-policy=LEAST_LAG",
            "pgha.datasource.max-replica-lag-bytes=1024",
            "pgha.datasource.leader-wait-timeout=45s",
            "pgha.datasource.connection-timeout=750ms",
            "pgha.datasource.maximum-pool-size=4",
            "pgha.datasource.fallback-to-leader=false",
            "pgha.datasource.connection-properties.ApplicationName=shop",
            "pgha.datasource.pool-name=shop")
        .run(
            ctx -> {
              PghaDataSourceConfig c = ctx.getBean(PghaDataSourceConfig.class);
              assertThat(c.readPolicy()).isEqualTo(io.pgha.jdbc.routing.ReadPolicy.LEAST_LAG);
              assertThat(c.maxReplicaLagBytes()).isEqualTo(1024);
              assertThat(c.leaderWaitTimeout()).hasSeconds(45);
              assertThat(c.connectionTimeout().toMillis()).isEqualTo(750);
              assertThat(c.maximumPoolSize()).isEqualTo(4);
              assertThat(c.fallbackToLeader()).isFalse();
              assertThat(c.connectionProperties()).containsEntry("ApplicationName", "shop");
              assertThat(c.poolName()).isEqualTo("shop");
            });
  }

  @Test
  void nothingPghaConfiguredMeansBootsOwnDataSource() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                PghaDataSourceAutoConfiguration.class,
                PghaRetryAutoConfiguration.class,
                PghaAgentAutoConfiguration.class,
                PghaMetricsAutoConfiguration.class,
                DataSourceAutoConfiguration.class))
        // A meter registry alone does not switch pgha's DataSource on.
        .withUserConfiguration(Registry.class)
        .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).hasSingleBean(DataSource.class);
              assertThat(ctx).doesNotHaveBean(TopologyAwareDataSource.class);
              assertThat(ctx).doesNotHaveBean(PghaDataSourceConfig.class);
            });
  }

  @Test
  void anEnvironmentVariableCountsAsConfiguringPgha() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PghaDataSourceAutoConfiguration.class))
        .withInitializer(
            ctx ->
                ctx.getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of("PGHA_DATASOURCE_STATIC_HOSTS", "127.0.0.1:1"))))
        // pgha's DataSource is what the context tried to build (nothing listens on port 1).
        .run(
            ctx -> assertThat(ctx).getFailure().hasMessageContaining("static hosts [127.0.0.1:1]"));
  }

  @Test
  void propertyOffMeansNoPghaDataSource() {
    runner
        .withPropertyValues("pgha.datasource.enabled=false")
        .withUserConfiguration(UserDataSource.class)
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(TopologyAwareDataSource.class);
              assertThat(ctx).doesNotHaveBean(PghaDataSourceConfig.class);
            });
  }

  @Test
  void pghaJdbcAbsentMeansNoPghaDataSource() {
    runner
        .withClassLoader(new FilteredClassLoader(TopologyAwareDataSource.class))
        .withUserConfiguration(UserDataSource.class)
        .run(ctx -> assertThat(ctx).doesNotHaveBean(PghaDataSourceConfig.class));
  }

  @Test
  void aUserDataSourceWins() {
    runner
        .withUserConfiguration(UserDataSource.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(DataSource.class);
              assertThat(ctx).doesNotHaveBean(TopologyAwareDataSource.class);
              assertThat(ctx).hasBean("userDataSource");
            });
  }

  @Test
  void aUserLeaderChangeHistoryWins() {
    runner
        .withUserConfiguration(UserHistory.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(LeaderChangeHistory.class);
              assertThat(ctx).hasBean("myHistory");
            });
  }

  @Test
  void retryIsOnByDefaultAndOffByProperty() {
    runner.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(FailoverRetry.class);
          assertThat(ctx).hasBean("pghaRetryOnFailoverAdvisor");
        });
    runner
        .withPropertyValues("pgha.retry.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(FailoverRetry.class);
              assertThat(ctx).doesNotHaveBean("pghaRetryOnFailoverAdvisor");
            });
  }

  @Test
  void retryNeedsResilience4j() {
    runner
        .withClassLoader(new FilteredClassLoader(Retry.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(FailoverRetry.class));
  }

  @Test
  void aUserFailoverRetryWins() {
    runner
        .withUserConfiguration(UserRetry.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(FailoverRetry.class);
              assertThat(ctx).hasBean("myRetry");
            });
  }

  @Test
  void metricsNeedMicrometerAndARegistry() {
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(PghaMeterRegistryBinding.class));
    runner
        .withUserConfiguration(Registry.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(PghaMeterRegistryBinding.class);
              // The DataSource reports to the registry: pgha's meters after the first topology,
              // and HikariCP's meters of each member's pool, tagged with the member.
              TopologyAwareDataSource ds = ctx.getBean(TopologyAwareDataSource.class);
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(ds.config().meterRegistry()).isSameAs(registry);
              assertThat(registry.find("pgha.replica.lag").tag("member", "pg2").gauge())
                  .isNotNull();
              assertThat(registry.find("pgha.leader.changes").counter().count()).isEqualTo(1.0);
              assertThat(
                      registry
                          .find("pgha.member.role")
                          .tags("member", "pg1", "role", "leader")
                          .gauge()
                          .value())
                  .isEqualTo(1.0);
              for (String member : new String[] {"pg1", "pg2"}) {
                assertThat(
                        registry
                            .find("hikaricp.connections")
                            .tags("pool", "pgha-" + member, "member", member)
                            .gauge())
                    .isNotNull();
              }
            });
    runner
        .withUserConfiguration(Registry.class)
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(PghaMeterRegistryBinding.class);
              assertThat(ctx.getBean(TopologyAwareDataSource.class).config().meterRegistry())
                  .isNull();
            });
  }

  @Test
  void hikariPropertiesReachEveryMemberPool() {
    runner
        .withPropertyValues(
            "pgha.datasource.hikari.keepalive-time=45000",
            "pgha.datasource.hikari.connection-init-sql=set application_name = 'x'",
            "pgha.datasource.hikari.data-source-properties.ApplicationName=x")
        .run(
            ctx -> {
              HikariConfig hc = new HikariConfig();
              ctx.getBean(PghaDataSourceConfig.class).hikariCustomizer().accept(hc);
              assertThat(hc.getKeepaliveTime()).isEqualTo(45000);
              assertThat(hc.getConnectionInitSql()).isEqualTo("set application_name = 'x'");
              assertThat(hc.getDataSourceProperties()).containsEntry("ApplicationName", "x");
            });
    runner
        .withPropertyValues("pgha.datasource.hikari.keepalive-tme=45000")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .hasStackTraceContaining(
                        "pgha.datasource.hikari.keepalive-tme (45000) is not a HikariCP setting"));
    runner
        .withPropertyValues("pgha.datasource.hikari.keepalive-time=soon")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .hasStackTraceContaining("pgha.datasource.hikari.keepalive-time (soon)"));
  }

  @Test
  void theApplicationsResilience4jRegistriesHoldTheRetriesAndTheReadCircuits() {
    runner
        .withBean(RetryRegistry.class, RetryRegistry::ofDefaults)
        .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
        .run(
            ctx -> {
              ctx.getBean(FailoverRetry.class);
              RetryRegistry registry = ctx.getBean(RetryRegistry.class);
              assertThat(registry.find(FailoverRetry.NAME)).isPresent();
              assertThat(registry.find(FailoverRetry.IDEMPOTENT_NAME)).isPresent();
              CircuitBreakerRegistry circuits = ctx.getBean(CircuitBreakerRegistry.class);
              ctx.getBean(TopologyAwareDataSource.class);
              assertThat(circuits.find("pgha-pg2-reads")).isPresent();
            });
  }

  @Test
  void theAgentIsOffUnlessEnabled() {
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(PghaAgent.class));
  }

  @Test
  void theAgentNeedsPghaCore() {
    runner
        .withClassLoader(new FilteredClassLoader(PghaAgent.class))
        .withPropertyValues("pgha.agent.enabled=true", "pgha.agent.name=pg1")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).doesNotHaveBean("pghaAgent");
            });
  }

  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  PghaDataSourceAutoConfiguration.class,
                  PghaActuatorAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  HealthContributorAutoConfiguration.class))
          .withUserConfiguration(FixedTopology.class)
          .withPropertyValues("management.endpoints.web.exposure.include=health,pgha");

  @Test
  void healthReportsTheLeader() {
    web.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(PghaHealthIndicator.class);
          Health health = ctx.getBean(PghaHealthIndicator.class).health(true);
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("leader", "pg1");
          assertThat(health.getDetails().get("readableReplicas"))
              .isEqualTo(java.util.List.of("pg2"));
        });
  }

  @Test
  void healthIsOffByPropertyOrWithoutTheHealthModule() {
    web.withPropertyValues("management.health.pgha.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(PghaHealthIndicator.class));
    web.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(PghaHealthIndicator.class));
  }

  @Test
  void theEndpointIsReadOnlyUnlessSwitchoverIsEnabled() {
    web.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(PghaEndpoint.class);
          assertThat(ctx).doesNotHaveBean(PghaManagementEndpoint.class);
          java.util.Map<String, Object> view = ctx.getBean(PghaEndpoint.class).cluster();
          assertThat(view).containsEntry("leader", "pg1");
          assertThat(view.get("readableReplicas")).isEqualTo(java.util.List.of("pg2"));
        });
    web.withPropertyValues("pgha.actuator.switchover-enabled=true")
        .run(ctx -> assertThat(ctx).hasSingleBean(PghaManagementEndpoint.class));
  }

  @Test
  void theEndpointNeedsExposure() {
    web.withPropertyValues("management.endpoints.web.exposure.include=health")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(PghaEndpoint.class));
  }

  @Test
  void actuatorPartsNeedAPghaDataSource() {
    web.withPropertyValues("pgha.datasource.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(PghaHealthIndicator.class);
              assertThat(ctx).doesNotHaveBean(PghaEndpoint.class);
            });
  }
}
