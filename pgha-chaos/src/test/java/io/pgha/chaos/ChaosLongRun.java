package io.pgha.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The long chaos run: {@code ./mvnw -pl pgha-chaos -am -Pchaos-long verify -Dtest=ChaosLongRun
 * -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.minutes=30 [-Dchaos.seed=N] [-Dchaos.mode=sync]}.
 * A random seed unless one is given; the seed is logged and names the report.
 */
@EnabledIfSystemProperty(named = "chaos.minutes", matches = "\\d+")
class ChaosLongRun {

  @Test
  void longRun() throws Exception {
    long minutes = Long.getLong("chaos.minutes");
    String seedProperty = System.getProperty("chaos.seed", "");
    long seed =
        seedProperty.isBlank()
            ? new java.security.SecureRandom().nextLong()
            : Long.parseLong(seedProperty.trim());
    boolean synchronous = "sync".equalsIgnoreCase(System.getProperty("chaos.mode", "async"));
    ChaosRunner.Result result =
        ChaosRunner.run(
            ChaosSettings.defaults("long", Duration.ofMinutes(minutes), seed, synchronous));
    assertThat(result.verdict().problems())
        .as("seed %d, report %s", seed, result.report())
        .isEmpty();
  }
}
