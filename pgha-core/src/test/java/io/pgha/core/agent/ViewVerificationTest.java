package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.Leader;
import io.pgha.patroni.SyncState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** When a cycle may decide on the watched view, and when it reads etcd first. */
class ViewVerificationTest {
  private static final int LOOP_WAIT = 2;
  private static final int TTL = 10;
  private static final long RUN = 7;
  private static final ClusterView LED =
      ClusterView.builder()
          .revision(40)
          .initialize("7001")
          .leader(new Leader("a", 10, 10, 99))
          .configModRevision(3)
          .build();

  private final ViewVerification rule = new ViewVerification();

  private static long s(double seconds) {
    return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
  }

  private Optional<ViewVerification.Reason> at(double seconds, ClusterView watched) {
    return rule.whyVerify(s(seconds), watched, RUN, LOOP_WAIT, TTL, false);
  }

  /** A verified steady cycle at 0 s, the usual start of what follows. */
  private void settledAtZero() {
    assertThat(at(0, LED)).isPresent();
    rule.verified(s(0), LED, RUN);
    rule.endedSteady();
  }

  @Test
  void aSteadyCycleOnTimeWithALiveWatchAndTheSameKeysDecidesOnTheWatchedView() {
    settledAtZero();
    assertThat(at(2, LED)).isEmpty();
    rule.endedSteady();
    // A member's own key, its status and the view's revision move without a read.
    ClusterView moved =
        LED.toBuilder().revision(41).member(io.pgha.patroni.Member.builder("b").build()).build();
    assertThat(at(4, moved)).isEmpty();
  }

  @Test
  void theFirstCycleAndTheCycleAfterAFailedReadVerify() {
    assertThat(at(0, LED)).contains(ViewVerification.Reason.NEVER_READ);
    rule.verified(s(0), LED, RUN);
    rule.endedSteady();
    assertThat(at(2, LED)).isEmpty();
    rule.readFailed();
    rule.endedSteady();
    assertThat(at(4, LED)).contains(ViewVerification.Reason.NEVER_READ);
  }

  @Test
  void aCycleAfterOneThatActedOrFailedVerifies() {
    settledAtZero();
    assertThat(at(2, LED)).isEmpty();
    // No endedSteady(): the decision acted, an action failed, or the cycle threw.
    assertThat(at(4, LED)).contains(ViewVerification.Reason.UNSETTLED);
  }

  @Test
  void aLateCycleVerifies() {
    settledAtZero();
    // More than loop_wait + 1 s after the previous cycle began: the JVM may have been frozen.
    assertThat(at(3.2, LED)).contains(ViewVerification.Reason.LATE);
  }

  @Test
  void aWatchThatStoppedOrRanAgainSinceTheReadVerifies() {
    settledAtZero();
    assertThat(rule.whyVerify(s(2), LED, -1, LOOP_WAIT, TTL, false))
        .contains(ViewVerification.Reason.WATCH_RESTARTED);
    rule.verified(s(2), LED, RUN);
    rule.endedSteady();
    assertThat(rule.whyVerify(s(4), LED, RUN + 2, LOOP_WAIT, TTL, false))
        .contains(ViewVerification.Reason.WATCH_RESTARTED);
  }

  @Test
  void aConfirmationOlderThanHalfTheTtlIsRenewedByARead() {
    settledAtZero();
    assertThat(at(2, LED)).isEmpty();
    rule.endedSteady();
    assertThat(at(4, LED)).isEmpty();
    rule.endedSteady();
    assertThat(at(5.5, LED)).contains(ViewVerification.Reason.CONFIRMATION_OLD);
  }

  @Test
  void noLeaderAFailoverKeyOrAReinitializeRequestVerify() {
    settledAtZero();
    assertThat(at(2, LED.toBuilder().leader((Leader) null).build()))
        .contains(ViewVerification.Reason.NOT_LED);
    settledAtZero();
    assertThat(at(2, LED.toBuilder().failover(FailoverRequest.failoverTo("b")).build()))
        .contains(ViewVerification.Reason.NOT_LED);
    settledAtZero();
    assertThat(rule.whyVerify(s(2), LED, RUN, LOOP_WAIT, TTL, true))
        .contains(ViewVerification.Reason.NOT_LED);
  }

  @Test
  void aChangedKeyThatIsNotAMembersVerifies() {
    List<UnaryOperator<ClusterView.Builder>> changes =
        List.of(
            b -> b.leader(new Leader("b", 50, 50, 98)),
            b -> b.leader(new Leader("a", 10, 51, 99)),
            b -> b.configModRevision(52),
            b -> b.initialize("7002"),
            b -> b.sync(new SyncState(Optional.of("a"), List.of("b"), OptionalInt.empty(), 53)),
            b -> b.failsafe(java.util.Map.of("a", "http://127.0.0.1:8008/patroni")));
    for (UnaryOperator<ClusterView.Builder> change : changes) {
      settledAtZero();
      assertThat(at(2, change.apply(LED.toBuilder()).build()))
          .contains(ViewVerification.Reason.KEYS_CHANGED);
    }
  }
}
