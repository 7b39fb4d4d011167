package io.pgha.spring.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.jdbc.PghaDataSourceConfig;
import java.util.Objects;

/**
 * Hands the application's {@link MeterRegistry} to pgha's DataSource, which then reports pgha's
 * meters ({@code pgha.*}, see {@link io.pgha.jdbc.metrics.MicrometerPghaMetrics}) and each member
 * pool's HikariCP meters ({@code hikaricp.*}, tagged {@code member}). A bean of its own type, not a
 * {@code PghaDataSourceConfigCustomizer}, so that its presence does not switch pgha's DataSource
 * on.
 */
public final class PghaMeterRegistryBinding {

  private final MeterRegistry registry;

  public PghaMeterRegistryBinding(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** The registry the DataSource reports to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Sets the registry on {@code builder}. */
  public void applyTo(PghaDataSourceConfig.Builder builder) {
    builder.meterRegistry(registry);
  }
}
