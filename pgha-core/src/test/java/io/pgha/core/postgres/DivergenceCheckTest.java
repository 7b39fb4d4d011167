package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DivergenceCheckTest {

  private static final TimelineHistory HISTORY_OF_2 =
      TimelineHistory.parse("1\t0/5000100\tno recovery target specified\n");

  private static ControlData local(
      String state, int timeline, String checkpoint, String minRecovery) {
    return new ControlData(
        state,
        timeline,
        Lsn.parse(checkpoint),
        Lsn.parse(minRecovery),
        minRecovery.equals("0/0") ? 0 : timeline,
        "1");
  }

  @Test
  void sameTimelineNeedsNoRewind() {
    var verdict = DivergenceCheck.check(local("shut down", 2, "0/6000000", "0/0"), 2, HISTORY_OF_2);
    assertThat(verdict.rewindNeeded()).isFalse();
    assertThat(verdict.reason()).contains("same timeline 2");
  }

  @Test
  void formerPrimaryWhoseShutdownCheckpointPrecedesTheSwitchFollowsAsItIs() {
    var verdict = DivergenceCheck.check(local("shut down", 1, "0/5000028", "0/0"), 2, HISTORY_OF_2);
    assertThat(verdict.rewindNeeded()).isFalse();
    assertThat(verdict.reason()).contains("prefix");
  }

  @Test
  void formerPrimaryThatWroteBeyondTheSwitchIsRewound() {
    var verdict = DivergenceCheck.check(local("shut down", 1, "0/5000100", "0/0"), 2, HISTORY_OF_2);
    assertThat(verdict.rewindNeeded()).isTrue();
    assertThat(verdict.reason()).contains("diverged").contains("0/5000100");
  }

  @Test
  void standbyRewoundOnlyWhenItReplayedPastTheSwitch() {
    assertThat(
            DivergenceCheck.check(
                    local("shut down in recovery", 1, "0/4000000", "0/5000100"), 2, HISTORY_OF_2)
                .rewindNeeded())
        .isFalse();
    assertThat(
            DivergenceCheck.check(
                    local("shut down in recovery", 1, "0/4000000", "0/5000200"), 2, HISTORY_OF_2)
                .rewindNeeded())
        .isTrue();
  }

  @Test
  void crashedDataDirectoryIsRewoundToBeSafe() {
    var verdict =
        DivergenceCheck.check(local("in production", 1, "0/4000000", "0/0"), 2, HISTORY_OF_2);
    assertThat(verdict.rewindNeeded()).isTrue();
    assertThat(verdict.reason()).contains("not shut down cleanly");
  }

  @Test
  void localAheadOrOffTheLeadersHistoryIsRewound() {
    assertThat(
            DivergenceCheck.check(local("shut down", 3, "0/7000000", "0/0"), 2, HISTORY_OF_2)
                .reason())
        .contains("ahead");
    assertThat(
            DivergenceCheck.check(
                    local("shut down", 2, "0/7000000", "0/0"),
                    3,
                    TimelineHistory.parse("1\t0/5000100\tx\n"))
                .reason())
        .contains("not in the leader's history");
  }

  @Test
  void historyParsesAncestorsAndFileNames() {
    TimelineHistory history =
        TimelineHistory.parse("1\t0/5000100\tno recovery target specified\n\n2\t0/7000000\tx\n");
    assertThat(history.switchPointOf(2)).contains(Lsn.parse("0/7000000"));
    assertThat(history.switchPointOf(3)).isEmpty();
    assertThat(TimelineHistory.fileName(26)).isEqualTo("pg_wal/0000001A.history");
  }
}
