package io.pgha.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: each verdict branch, without a cluster. */
class CheckerTest {
  private static final LongUnaryOperator CLOCK = nanos -> nanos / 1000;

  private static WriteOp ok(long value, int port, int timeline, long lsn, long serverMicros) {
    return WriteOp.ok(
        0,
        value,
        serverMicros * 1000 - 500,
        serverMicros * 1000 + 500,
        port,
        timeline,
        lsn,
        serverMicros);
  }

  private static Verdict check(
      List<WriteOp> writes, Set<Long> present, List<Promotion> promotions, boolean sync) {
    return Checker.check(writes, 0, present, promotions, 1000, sync, 1024, CLOCK);
  }

  @Test
  void aCleanHistoryPasses() {
    List<WriteOp> writes = List.of(ok(1, 5001, 1, 100, 10), ok(2, 5002, 2, 200, 30));
    Verdict v = check(writes, Set.of(1L, 2L), List.of(new Promotion(5002, 2, 20)), true);

    assertThat(v.problems()).isEmpty();
    assertThat(v.acknowledged()).isEqualTo(2);
  }

  @Test
  void aLostAcknowledgedWriteFailsSynchronousModeOnly() {
    List<WriteOp> writes =
        List.of(ok(1, 5001, 1, 100, 10), ok(2, 5001, 1, 600, 11), ok(3, 5002, 2, 900, 30));
    Set<Long> present = Set.of(1L, 3L);

    Verdict sync = check(writes, present, List.of(), true);
    Verdict async = check(writes, present, List.of(), false);

    assertThat(sync.problems()).containsExactly("1 acknowledged writes lost in synchronous mode");
    assertThat(async.problems()).isEmpty();
    assertThat(async.lost()).containsExactly(new Verdict.Loss(5001, 1, 1, 500, List.of(2L)));
    assertThat(async.lost().get(0).withinBound(1024)).isTrue();
  }

  @Test
  void aWriteOfTheDeposedPrimaryAfterItsSuccessorsPromotionIsAnOverlap() {
    WriteOp late = ok(2, 5001, 1, 200, 25);
    List<WriteOp> writes = List.of(ok(1, 5001, 1, 100, 10), late, ok(3, 5002, 2, 300, 30));

    Verdict v = check(writes, Set.of(1L, 2L, 3L), List.of(new Promotion(5002, 2, 20)), false);

    assertThat(v.overlaps()).containsExactly(new Verdict.Overlap(late, new Promotion(5002, 2, 20)));
    assertThat(v.passed()).isFalse();
  }

  @Test
  void theSuccessorsFirstWriteCountsAsItsPromotionWhenNoEventWasHeard() {
    WriteOp late = ok(2, 5001, 1, 200, 35);
    List<WriteOp> writes = List.of(ok(1, 5001, 1, 100, 10), ok(3, 5002, 2, 300, 30), late);

    Verdict v = check(writes, Set.of(1L, 2L, 3L), List.of(), false);

    assertThat(v.overlaps()).extracting(Verdict.Overlap::write).containsExactly(late);
  }

  @Test
  void twoServersWritingOnOneTimelineIsAFork() {
    List<WriteOp> writes = List.of(ok(1, 5001, 2, 100, 10), ok(2, 5002, 2, 100, 11));

    Verdict v = check(writes, Set.of(1L, 2L), List.of(), false);

    assertThat(v.overlaps()).hasSize(2);
  }

  @Test
  void aWriteAcknowledgedAfterThePromotionButRunBeforeItIsOnlyAmbiguous() {
    // Server clock 19 (before the promotion at 20), acknowledged at 25.
    WriteOp slow = WriteOp.ok(0, 2, 18_000, 25_000, 5001, 1, 200, 19);
    List<WriteOp> writes = List.of(slow, ok(3, 5002, 2, 300, 30));

    Verdict v = check(writes, Set.of(2L, 3L), List.of(new Promotion(5002, 2, 20)), true);

    assertThat(v.overlaps()).isEmpty();
    assertThat(v.ambiguousOverlaps()).isEqualTo(1);
  }

  @Test
  void anOlderPromotionOfAnotherMemberIsNoSuccessor() {
    // 5002 was primary on timeline 2, then 5001 took over on timeline 3 and writes on.
    List<WriteOp> writes = List.of(ok(1, 5002, 2, 100, 10), ok(2, 5001, 3, 300, 40));

    Verdict v =
        check(
            writes,
            Set.of(1L, 2L),
            List.of(new Promotion(5002, 2, 5), new Promotion(5001, 3, 30)),
            true);

    assertThat(v.problems()).isEmpty();
  }

  @Test
  void failedWritesMustBeAbsentAndUnknownOnesMayBeEither() {
    WriteOp failed = WriteOp.failed(0, 7, 1, 2, Outcome.FAIL, "08006 broken");
    WriteOp unknown = WriteOp.failed(0, 8, 1, 2, Outcome.UNKNOWN, "08006 broken during commit");

    Verdict v = check(List.of(failed, unknown), Set.of(7L, 8L), List.of(), true);

    assertThat(v.failedButPresent()).containsExactly(failed);
    assertThat(v.unknownPresent()).isEqualTo(1);
    assertThat(v.problems()).containsExactly("1 writes reported failed are present");
  }

  @Test
  void anUnconvergedClusterFails() {
    Verdict v = Checker.check(List.of(), 0, Set.of(), List.of(), -1, false, 1024, CLOCK);

    assertThat(v.problems()).containsExactly("the cluster did not converge after the last heal");
  }

  @Test
  void outageIsTheLongestStretchWithoutAnAcknowledgment() {
    assertThat(Report.outage(List.of(5L, 8L, 20L, 21L), 0, 15)).isEqualTo(12);
    assertThat(Report.outage(List.of(), 0, 15)).isEqualTo(15);
  }
}
