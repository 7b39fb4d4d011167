package io.pgha.core.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaderLeaseTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long T0 = 1_000_000 * S;

  private static LeaderLease read(Optional<LeaderLease> before, long remaining, long atNanos) {
    return LeaderLease.afterReading(before, 7, 10, remaining, atNanos - 5 * MS, atNanos);
  }

  @Test
  void aLeaseRenewedWithinTheLastSecondIsFresh() {
    LeaderLease l = read(Optional.empty(), 9, T0);

    assertThat(l.renewedBeforeNanos()).isEmpty();
    assertThat(l.silentForNanos(T0 + 5 * S)).isZero();
  }

  @Test
  void aSingleReadingBoundsTheSilenceFromBelow() {
    // remaining 7 of 10: more than 2 s without renewal when etcd answered.
    LeaderLease l = read(Optional.empty(), 7, T0);

    assertThat(l.silentForNanos(T0)).isEqualTo(2 * S);
    assertThat(l.silentForNanos(T0 + 300 * MS)).isEqualTo(2 * S + 300 * MS);
  }

  @Test
  void readingsLessThanASecondApartKeepTheEarlierTighterBound() {
    LeaderLease first = read(Optional.empty(), 8, T0); // silent > 1 s at T0
    LeaderLease second = read(Optional.of(first), 8, T0 + 250 * MS);

    assertThat(second.renewedBeforeNanos()).isEqualTo(first.renewedBeforeNanos());
    assertThat(second.silentForNanos(T0 + 250 * MS)).isEqualTo(S + 250 * MS);
  }

  @Test
  void aRenewalInBetweenShowsAsFreshAndStartsOver() {
    LeaderLease silent = read(Optional.empty(), 7, T0);
    LeaderLease renewed = read(Optional.of(silent), 9, T0 + 250 * MS);

    assertThat(renewed.silentForNanos(T0 + 250 * MS)).isZero();
    LeaderLease again = read(Optional.of(renewed), 8, T0 + 1500 * MS);
    assertThat(again.silentForNanos(T0 + 1500 * MS)).isEqualTo(S);
  }

  @Test
  void readingsTooFarApartDoNotCarryTheOldBound() {
    // A gap of 2 s: the leader may have renewed and gone silent again in between.
    LeaderLease first = read(Optional.empty(), 7, T0);
    LeaderLease late = read(Optional.of(first), 8, T0 + 2 * S);

    assertThat(late.silentForNanos(T0 + 2 * S)).isEqualTo(S);
  }

  @Test
  void anotherLeaseStartsOver() {
    LeaderLease first = read(Optional.empty(), 5, T0);
    LeaderLease other = LeaderLease.afterReading(Optional.of(first), 8, 10, 8, T0, T0 + 100 * MS);

    assertThat(other.silentForNanos(T0 + 100 * MS)).isEqualTo(S);
  }

  @Test
  void aLeaseEtcdNoLongerKnowsWasSilentForAWholeTtl() {
    LeaderLease gone = read(Optional.empty(), -1, T0);

    assertThat(gone.silentForNanos(T0)).isEqualTo(10 * S);
  }
}
