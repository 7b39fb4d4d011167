package io.pgha.spring.boot.autoconfigure;

import io.pgha.spring.boot.PghaDataSourceConfigCustomizer;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application asked for pgha's DataSource: a {@code pgha.datasource.*} or {@code
 * pgha.etcd.*} property is set (any but {@code pgha.datasource.enabled}), the embedded agent is
 * enabled, or a {@link PghaDataSourceConfigCustomizer} bean exists.
 *
 * <p>Without any of them the starter backs off and Spring Boot's own DataSource (from {@code
 * spring.datasource.*}) is used, as with any starter that finds nothing to configure: having the
 * jar on the class path must not fail an application's start. Once anything pgha is set, a missing
 * topology source fails the start with a message naming the property, as before.
 */
class PghaConfiguredCondition extends AnyNestedCondition {

  PghaConfiguredCondition() {
    super(ConfigurationPhase.REGISTER_BEAN);
  }

  @Conditional(PghaPropertiesSet.class)
  static class PropertiesSet {}

  @ConditionalOnBean(PghaDataSourceConfigCustomizer.class)
  static class CustomizerPresent {}

  /** Some {@code pgha.datasource.*}, {@code pgha.etcd.*} or {@code pgha.agent.enabled} is set. */
  static class PghaPropertiesSet extends SpringBootCondition {
    private static final ConfigurationPropertyName DATASOURCE =
        ConfigurationPropertyName.of("pgha.datasource");
    private static final ConfigurationPropertyName ETCD = ConfigurationPropertyName.of("pgha.etcd");
    private static final ConfigurationPropertyName ENABLED =
        ConfigurationPropertyName.of("pgha.datasource.enabled");
    private static final ConfigurationPropertyName AGENT_ENABLED =
        ConfigurationPropertyName.of("pgha.agent.enabled");

    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      for (ConfigurationPropertySource source :
          ConfigurationPropertySources.get(context.getEnvironment())) {
        if (!(source instanceof IterableConfigurationPropertySource iterable)) {
          continue;
        }
        for (ConfigurationPropertyName name : iterable) {
          if (name.equals(AGENT_ENABLED)
              || (!name.equals(ENABLED)
                  && (DATASOURCE.isAncestorOf(name) || ETCD.isAncestorOf(name)))) {
            return ConditionOutcome.match("pgha property " + name + " is set");
          }
        }
      }
      return ConditionOutcome.noMatch(
          "no pgha.datasource.* or pgha.etcd.* property and no embedded agent");
    }
  }
}
