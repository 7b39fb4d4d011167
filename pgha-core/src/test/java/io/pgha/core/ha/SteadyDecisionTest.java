package io.pgha.core.ha;

import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.given;
import static io.pgha.core.ha.Given.sec;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.FailoverRequest;
import org.junit.jupiter.api.Test;

/**
 * Which decisions are steady ({@link Decision#isSteady()}): those the HA loop may act on when they
 * were made from the watched view without reading etcd.
 */
class SteadyDecisionTest {

  @Test
  void aReplicaThatKeepsFollowingTheLeaderIsSteady() {
    Decision d = given().leader("pg-2").local(l -> l.following("pg-2")).decide();
    assertThat(d.kinds()).containsExactly(ActionKind.NOTHING);
    assertThat(d.isSteady()).isTrue();
  }

  @Test
  void aLeaderThatKeepsLeadingAndRenewsIsSteady() {
    Decision d = given().leader(ME).primary().decide();
    assertThat(d.kinds()).containsExactly(ActionKind.RENEW);
    assertThat(d.isSteady()).isTrue();
  }

  @Test
  void aReplicaThatMustFollowAnotherLeaderIsNotSteady() {
    Decision d = given().leader("pg-3").local(l -> l.following("pg-2")).decide();
    assertThat(d.kinds()).contains(ActionKind.FOLLOW);
    assertThat(d.isSteady()).isFalse();
  }

  @Test
  void aRaceForAFreeLeaderKeyIsNotSteady() {
    Decision d = given().local(l -> l.following("pg-2")).decide();
    assertThat(d.isActive()).isTrue();
    assertThat(d.isSteady()).isFalse();
  }

  @Test
  void aPrimaryThatSeesAnotherLeaderIsNotSteady() {
    Decision d = given().leader("pg-2").primary().decide();
    assertThat(d.isSteady()).isFalse();
  }

  @Test
  void aSwitchoverOnTheLeaderIsNotSteady() {
    Decision d =
        given()
            .leader(ME)
            .primary()
            .view(v -> v.failover(FailoverRequest.switchover(ME, "pg-2")))
            .decide();
    assertThat(d.isSteady()).isFalse();
  }

  @Test
  void waitingOnAStaleViewIsNotSteady() {
    Decision d = given().leader("pg-2").local(l -> l.following("pg-2")).later(sec(31)).decide();
    assertThat(d.kinds()).containsExactly(ActionKind.WAIT);
    assertThat(d.isSteady()).isFalse();
  }
}
