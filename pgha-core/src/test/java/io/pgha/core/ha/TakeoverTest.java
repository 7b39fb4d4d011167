package io.pgha.core.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The checks the fast takeover's executor makes with its readings around the transaction. */
class TakeoverTest {
  private static final long LEASE = 77;
  private static final long T0 = 1_000_000_000_000L;

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** Decided on a reading (granted 10 s, 7 left) asked at T0, arrived 5 ms later: silent 2 s. */
  private static final LeaderLease DECIDED =
      LeaderLease.afterReading(Optional.empty(), LEASE, 10, 7, T0, T0 + ms(5));

  private static final Takeover TAKEOVER =
      new Takeover("pg-2", 50, 60, 2000, DECIDED, TimeUnit.SECONDS.toNanos(2));

  private static LeaderLease reading(
      LeaderLease previous, long remaining, long askedMillis, long readMillis) {
    return LeaderLease.afterReading(
        Optional.of(previous), LEASE, 10, remaining, T0 + ms(askedMillis), T0 + ms(readMillis));
  }

  @Test
  void aReadingRightBeforeTheTransactionStillUnrenewedAllowsIt() {
    assertThat(TAKEOVER.stillSilent(reading(DECIDED, 7, 300, 302))).isTrue();
  }

  @Test
  void aReadingRightBeforeTheTransactionThatShowsARenewalSinceDropsIt() {
    assertThat(TAKEOVER.stillSilent(reading(DECIDED, 9, 300, 302))).isFalse();
  }

  @Test
  void aReadingOfAnotherLeaseProvesNothing() {
    LeaderLease other =
        LeaderLease.afterReading(Optional.empty(), LEASE + 1, 10, 2, T0 + ms(300), T0 + ms(302));
    assertThat(TAKEOVER.stillSilent(other)).isFalse();
    assertThat(TAKEOVER.silentWhenSent(other, T0 + ms(303))).isFalse();
  }

  @Test
  void anExpiredLeaseIsSilent() {
    assertThat(TAKEOVER.stillSilent(reading(DECIDED, -1, 300, 302))).isTrue();
  }

  @Test
  void aReadingAfterTheTransactionWithinASecondAndUnrenewedShowsTheSilenceUpToIt() {
    LeaderLease before = reading(DECIDED, 7, 300, 302);
    // Sent at 303, answered at 320, read again 321-323: etcd rounds down to 7 still.
    LeaderLease after = reading(before, 7, 321, 323);

    assertThat(after.renewedBeforeNanos()).isEqualTo(before.renewedBeforeNanos());
    assertThat(TAKEOVER.silentWhenSent(after, T0 + ms(303))).isTrue();
  }

  @Test
  void aRenewalReadAfterTheTransactionShowsNothing() {
    LeaderLease before = reading(DECIDED, 7, 300, 302);
    LeaderLease after = reading(before, 9, 321, 323);

    assertThat(after.renewedBeforeNanos()).isEmpty();
    assertThat(TAKEOVER.silentWhenSent(after, T0 + ms(303))).isFalse();
  }

  @Test
  void readingsMoreThanASecondApartCannotExcludeARenewalInBetween() {
    // Renewed at 400 ms (not seen), read at 1.5 s with 8 left: a renewal less than 2 s before the
    // send, which etcd's one-second resolution hides from a reading alone.
    LeaderLease before = reading(DECIDED, 7, 300, 302);
    LeaderLease after = reading(before, 8, 1500, 1502);

    assertThat(after.renewedBeforeNanos()).isEqualTo(OptionalLong.of(T0 + ms(1502) - ms(1000)));
    assertThat(TAKEOVER.silentWhenSent(after, T0 + ms(303))).isFalse();
  }

  @Test
  void aLongSilenceReadOnItsOwnAfterMoreThanASecondStillShowsIt() {
    LeaderLease before = reading(DECIDED, 7, 300, 302);
    LeaderLease after = reading(before, 5, 1500, 1502);

    assertThat(TAKEOVER.silentWhenSent(after, T0 + ms(303))).isTrue();
  }
}
