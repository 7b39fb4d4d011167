package io.pgha.spring.boot.actuate;

import io.pgha.core.PghaAgent;
import io.pgha.core.config.PghaConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.spring.boot.LeaderChangeHistory;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code pgha} health indicator and actuator endpoint, each when its part of Spring Boot's
 * actuator is on the class path and a pgha DataSource exists.
 */
@AutoConfiguration(
    afterName = {
      "io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration",
      "io.pgha.spring.boot.agent.PghaAgentAutoConfiguration"
    })
@ConditionalOnClass(TopologyAwareDataSource.class)
@ConditionalOnBean(TopologyAwareDataSource.class)
public class PghaActuatorAutoConfiguration {

  /** The embedded agent as the actuator shows it, when there is one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(PghaAgent.class)
  @ConditionalOnBean(PghaAgent.class)
  static class EmbeddedAgentConfiguration {
    @Bean
    @ConditionalOnMissingBean
    AgentView pghaAgentView(PghaAgent agent, ObjectProvider<PghaConfig> config) {
      return new EmbeddedAgentView(
          agent, Optional.ofNullable(config.getIfAvailable()).map(PghaConfig::restApi));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("pgha")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "pghaHealthIndicator")
    PghaHealthIndicator pghaHealthIndicator(
        TopologyAwareDataSource dataSource, ObjectProvider<AgentView> agent) {
      return new PghaHealthIndicator(dataSource, agent.getIfAvailable());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
  @ConditionalOnAvailableEndpoint(PghaEndpoint.class)
  @EnableConfigurationProperties(PghaActuatorProperties.class)
  static class EndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean(PghaEndpoint.class)
    @ConditionalOnProperty(
        prefix = "pgha.actuator",
        name = "switchover-enabled",
        havingValue = "true")
    PghaManagementEndpoint pghaManagementEndpoint(
        TopologyAwareDataSource dataSource,
        ObjectProvider<LeaderChangeHistory> history,
        ObjectProvider<AgentView> agent,
        PghaActuatorProperties properties) {
      Optional<String> authorization =
          Optional.ofNullable(properties.getAgentApiUsername())
              .map(
                  u ->
                      BasicAuthorization.of(
                          u, Objects.requireNonNullElse(properties.getAgentApiPassword(), "")));
      return new PghaManagementEndpoint(
          dataSource,
          history.getIfAvailable(),
          agent.getIfAvailable(),
          properties.getAgentApiUrl(),
          authorization,
          Optional.ofNullable(properties.getAgentApiCafile()).map(AgentApiTls::trusting));
    }

    @Bean
    @ConditionalOnMissingBean(PghaEndpoint.class)
    PghaEndpoint pghaEndpoint(
        TopologyAwareDataSource dataSource,
        ObjectProvider<LeaderChangeHistory> history,
        ObjectProvider<AgentView> agent) {
      return new PghaEndpoint(dataSource, history.getIfAvailable(), agent.getIfAvailable());
    }
  }
}
