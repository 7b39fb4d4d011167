package io.pgha.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnavailabilityTest {
  private static final long MS = 1_000_000;

  private static Attempt ok(long endMs) {
    return new Attempt(true, endMs, (endMs - 5) * MS, endMs * MS, true, null);
  }

  private static Attempt failed(long endMs, String error) {
    return new Attempt(true, 0, (endMs - 5) * MS, endMs * MS, false, error);
  }

  @Test
  void theGapStartsAtTheLastAcknowledgementBeforeTheFault() {
    List<Attempt> a = List.of(ok(100), ok(120), failed(200, "x"), ok(1120), ok(1140));
    assertThat(Unavailability.longestGapNanos(a, true, 130 * MS, 2000 * MS)).isEqualTo(1000 * MS);
  }

  @Test
  void aClientThatNeverRecoversCountsUntilTheEndOfTheWindow() {
    List<Attempt> a = List.of(ok(100), failed(200, "x"));
    assertThat(Unavailability.longestGapNanos(a, true, 150 * MS, 5100 * MS)).isEqualTo(5000 * MS);
  }

  @Test
  void theClientsShareRunsFromTheNewLeaderKeyToItsFirstAcknowledgementAfterIt() {
    List<Attempt> a = List.of(ok(100), failed(900, "x"), ok(1250), ok(1270));
    assertThat(Unavailability.firstSuccessAfterNanos(a, true, 1000 * MS, 2000 * MS))
        .isEqualTo(250 * MS);
    assertThat(Unavailability.firstSuccessAfterNanos(a, true, 1000 * MS, 1200 * MS)).isEqualTo(-1);
    assertThat(Unavailability.firstSuccessAfterNanos(a, false, 1000 * MS, 2000 * MS)).isEqualTo(-1);
  }

  @Test
  void withoutAnyEarlierAcknowledgementTheGapStartsAtTheFault() {
    List<Attempt> a = List.of(ok(700), ok(720));
    assertThat(Unavailability.longestGapNanos(a, true, 500 * MS, 1000 * MS)).isEqualTo(200 * MS);
  }

  @Test
  void acknowledgementsAfterTheWindowDoNotCount() {
    List<Attempt> a = List.of(ok(100), ok(120), ok(140), ok(9000));
    assertThat(Unavailability.longestGapNanos(a, true, 110 * MS, 200 * MS)).isEqualTo(20 * MS);
  }

  @Test
  void readsAndWritesAreMeasuredApart() {
    Attempt read = new Attempt(false, 0, 295 * MS, 300 * MS, true, null);
    List<Attempt> a = List.of(ok(100), read, ok(1100));
    assertThat(Unavailability.longestGapNanos(a, false, 50 * MS, 400 * MS)).isEqualTo(250 * MS);
    assertThat(Unavailability.between(a, false, 0, 2000 * MS)).containsExactly(read);
  }

  @Test
  void errorKindsMaskDigitsAndKeepTheSqlState() {
    List<Attempt> a =
        List.of(
            failed(1, "08001 Connection to 127.0.0.1:40123 refused."),
            failed(2, "08001 Connection to 127.0.0.1:40999 refused."),
            failed(3, "25006 cannot execute INSERT in a read-only transaction"),
            ok(4));
    assertThat(Unavailability.errorKinds(a))
        .isEqualTo(
            Map.of(
                "08001 Connection to #.#.#.#:# refused.", 2,
                "25006 cannot execute INSERT in a read-only transaction", 1));
  }

  @Test
  void mediansAndMaxima() {
    assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(Stats.median(List.of())).isNaN();
    assertThat(Stats.max(List.of(1.0, 7.0, 2.0))).isEqualTo(7.0);
  }
}
