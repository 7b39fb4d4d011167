package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.REINITIALIZE;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.sec;
import static io.pgha.core.ha.HaDeciderTest.act;
import static io.pgha.core.ha.HaDeciderTest.assertDecision;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code POST /reinitialize} as an input of the decision. */
class ReinitializationTest {

  private static Given requested() {
    return given().local(l -> l.reinitializeRequested(true));
  }

  @Test
  void aReplicaAskedToReinitializeClonesFromTheLeaderAndStartsFollowingIt() {
    assertDecision(
        requested().leader("pg-2").decide(),
        "reinitializing on request: removing my data directory and cloning from the leader (pg-2)",
        act(REINITIALIZE, "pg-2"),
        act(START_AS_REPLICA, "pg-2"));
  }

  @Test
  void aStoppedReplicaIsReinitializedToo() {
    assertThat(requested().leader("pg-2").down(5).decide().kinds())
        .containsExactly(REINITIALIZE, START_AS_REPLICA);
  }

  @Test
  void inPauseModeTheRequestIsStillHonoured() {
    assertThat(requested().leader("pg-2").paused().decide().reason())
        .startsWith("PAUSE: reinitializing on request");
  }

  @Test
  void aMemberWhoseDataBelongsToAnotherClusterIsReinitializedOnRequest() {
    assertThat(
            requested()
                .leader("pg-2")
                .local(l -> l.systemIdentifier("7000000000000000001"))
                .decide()
                .kinds())
        .containsExactly(REINITIALIZE, START_AS_REPLICA);
  }

  @Test
  void theLeaderIsNeverReinitialized() {
    Decision d = requested().leader(ME).primary().decide();
    assertThat(d.kinds()).doesNotContain(REINITIALIZE);
  }

  @Test
  void withoutALeaderNothingIsWiped() {
    assertThat(requested().decide().kinds()).doesNotContain(REINITIALIZE);
  }

  @Test
  void withAStaleViewNothingIsWiped() {
    Decision d =
        requested().leader("pg-2").local(l -> l.viewConfirmedAtNanos(Given.NOW - sec(60))).decide();
    assertThat(d.kinds()).doesNotContain(REINITIALIZE);
  }

  @Test
  void withoutARequestAHealthyReplicaKeepsItsData() {
    assertThat(given().leader("pg-2").decide().kinds()).doesNotContain(REINITIALIZE);
  }
}
