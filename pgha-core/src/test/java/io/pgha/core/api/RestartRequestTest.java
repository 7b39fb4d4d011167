package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.Role;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Patroni's restart conditions ({@code restart_matches}). */
class RestartRequestTest {
  private static final Optional<Integer> PG15 = Optional.of(150002);

  private static RestartRequest when(
      Optional<Role> role, Optional<Integer> version, boolean pending) {
    return new RestartRequest(Optional.empty(), role, version, Optional.empty(), pending);
  }

  @Test
  void anUnconditionalRequestAlwaysMatches() {
    assertThat(RestartRequest.now().mismatch(Role.REPLICA, PG15, false)).isEmpty();
  }

  @Test
  void theRoleMustBeTheOneRunning() {
    RestartRequest replicasOnly = when(Optional.of(Role.REPLICA), Optional.empty(), false);
    assertThat(replicasOnly.mismatch(Role.PRIMARY, PG15, false)).contains("host role mismatch");
    assertThat(replicasOnly.mismatch(Role.REPLICA, PG15, false)).isEmpty();
  }

  @Test
  void onlyAnOlderServerIsRestartedForAVersion() {
    RestartRequest below16 = when(Optional.empty(), Optional.of(160000), false);
    assertThat(below16.mismatch(Role.PRIMARY, PG15, false)).isEmpty();
    RestartRequest below152 = when(Optional.empty(), Optional.of(150002), false);
    assertThat(below152.mismatch(Role.PRIMARY, PG15, false)).contains("postgres version mismatch");
  }

  @Test
  void restartPendingNeedsAChangedParameterWaitingForARestart() {
    RestartRequest pending = when(Optional.empty(), Optional.empty(), true);
    assertThat(pending.mismatch(Role.PRIMARY, PG15, false))
        .contains("pending restart flag is not set");
    assertThat(pending.mismatch(Role.PRIMARY, PG15, true)).isEmpty();
  }

  @Test
  void aScheduledRequestRunsWithTheSameConditionsAndNoSchedule() {
    RestartRequest scheduled =
        new RestartRequest(
            Optional.of(OffsetDateTime.parse("2030-01-01T00:00:00Z")),
            Optional.of(Role.REPLICA),
            Optional.of(160000),
            Optional.of(Duration.ofSeconds(30)),
            true);
    RestartRequest due = scheduled.withoutSchedule();
    assertThat(due.schedule()).isEmpty();
    assertThat(due)
        .isEqualTo(
            new RestartRequest(
                Optional.empty(),
                Optional.of(Role.REPLICA),
                Optional.of(160000),
                Optional.of(Duration.ofSeconds(30)),
                true));
  }
}
