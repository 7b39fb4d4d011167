package io.pgha.spring.boot;

import io.pgha.jdbc.PghaDataSourceConfig;

/**
 * Adjusts the DataSource configuration built from {@code pgha.datasource.*} before it is checked,
 * for what properties cannot say (a custom {@link io.pgha.jdbc.topology.TopologySource}, a password
 * from a vault). Beans of this type are applied in their {@link
 * org.springframework.core.annotation.Order order}.
 */
@FunctionalInterface
public interface PghaDataSourceConfigCustomizer {

  /** Adjusts {@code builder}; the properties are already applied. */
  void customize(PghaDataSourceConfig.Builder builder);
}
