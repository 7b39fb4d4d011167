package io.pgha.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.pgha.jdbc.metrics.MicrometerPghaMetrics;
import io.pgha.jdbc.routing.PghaMetrics;
import java.util.function.BiConsumer;

/**
 * The only class of the entry package that names Micrometer: it is loaded when an application
 * passed a {@code MeterRegistry} (so Micrometer is on its class path), never otherwise. Its methods
 * take the registry as {@code Object} so that callers need no Micrometer type.
 */
final class MicrometerBinding {

  private MicrometerBinding() {}

  /** pgha's own meters, tagged with the DataSource's pool name. */
  static PghaMetrics pghaMetrics(Object registry, String poolName) {
    return new MicrometerPghaMetrics((MeterRegistry) registry, poolName);
  }

  /**
   * HikariCP's own meters ({@code hikaricp.*}) for each member's pool. HikariCP tags them {@code
   * pool} with the pool's name ({@code <poolName>-<member>}); they are registered through a
   * composite registry that adds the tag {@code member}, so that they join pgha's meters on it.
   * HikariCP removes them when the pool closes.
   */
  static BiConsumer<String, HikariConfig> poolMeters(Object registry) {
    MeterRegistry target = (MeterRegistry) registry;
    return (member, config) -> {
      CompositeMeterRegistry tagged = new CompositeMeterRegistry(target.config().clock());
      tagged.config().commonTags("member", member);
      tagged.add(target);
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(tagged));
    };
  }
}
