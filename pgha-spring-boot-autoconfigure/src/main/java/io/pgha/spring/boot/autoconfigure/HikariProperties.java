package io.pgha.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariConfig;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code pgha.datasource.hikari.*} bound onto each member pool's {@link HikariConfig}, the way
 * Spring Boot binds {@code spring.datasource.hikari.*} onto its pool. They are bound once at start
 * to fail it on an unknown name or a bad value, naming the property, and then onto every pool.
 */
final class HikariProperties {

  private HikariProperties() {}

  /**
   * The customizer that applies {@code values} (HikariConfig property names, relaxed) to a pool.
   *
   * @throws InvalidPghaPropertyException naming the first property that does not bind
   */
  static Consumer<HikariConfig> of(String prefix, Map<String, String> values) {
    Binder binder = new Binder(new MapConfigurationPropertySource(values));
    bind(prefix, binder, new HikariConfig());
    return config -> bind(prefix, binder, config);
  }

  private static void bind(String prefix, Binder binder, HikariConfig config) {
    try {
      binder.bind(
          ConfigurationPropertyName.EMPTY,
          Bindable.ofInstance(config),
          new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    } catch (BindException e) {
      if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
        ConfigurationProperty first = unbound.getUnboundProperties().iterator().next();
        throw new InvalidPghaPropertyException(
            prefix + "." + first.getName(),
            String.valueOf(first.getValue()),
            "is not a HikariCP setting (HikariConfig property names, e.g. keepalive-time)",
            e);
      }
      ConfigurationProperty property = e.getProperty();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new InvalidPghaPropertyException(
          property != null ? prefix + "." + property.getName() : prefix + ".*",
          property != null ? String.valueOf(property.getValue()) : "?",
          "is not a valid value of that HikariCP setting: " + cause.getMessage(),
          e);
    }
  }
}
