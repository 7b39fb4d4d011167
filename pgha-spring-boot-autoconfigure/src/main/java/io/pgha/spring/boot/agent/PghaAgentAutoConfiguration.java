package io.pgha.spring.boot.agent;

import io.pgha.core.PghaAgent;
import io.pgha.core.agent.AgentListener;
import io.pgha.core.config.PghaConfig;
import io.pgha.spring.boot.PghaDataSourceProperties;
import io.pgha.spring.boot.PghaEtcdProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The embedded HA agent, when {@code pgha.agent.enabled=true} and pgha-core is on the class path.
 * Every {@link AgentListener} bean hears the agent's role changes.
 */
@AutoConfiguration(beforeName = "io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration")
@ConditionalOnClass(PghaAgent.class)
@ConditionalOnProperty(prefix = "pgha.agent", name = "enabled", havingValue = "true")
@EnableConfigurationProperties({
  PghaAgentProperties.class,
  PghaEtcdProperties.class,
  PghaDataSourceProperties.class
})
public class PghaAgentAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public PghaConfig pghaAgentConfig(
      PghaAgentProperties agent, PghaEtcdProperties etcd, PghaDataSourceProperties dataSource) {
    return AgentConfigFactory.create(agent, etcd, dataSource);
  }

  /** Built, not started: {@link PghaAgentLifecycle} starts it. */
  @Bean
  @ConditionalOnMissingBean
  public PghaAgent pghaAgent(PghaConfig config, ObjectProvider<AgentListener> listeners) {
    PghaAgent.Builder b = PghaAgent.builder(config);
    listeners.orderedStream().forEach(b::listener);
    return b.build();
  }

  @Bean
  @ConditionalOnMissingBean
  public PghaAgentLifecycle pghaAgentLifecycle(PghaAgent agent, PghaAgentProperties properties) {
    return new PghaAgentLifecycle(agent, properties.getStartWait());
  }
}
