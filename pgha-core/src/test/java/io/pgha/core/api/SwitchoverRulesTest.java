package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SwitchoverRulesTest {
  private static final OffsetDateTime NOW =
      OffsetDateTime.of(2026, 12, 6, 2, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void aSynchronousStandbyIsNotJudgedByTheLagItsStaleMemberKeyShows() throws Exception {
    ClusterView view = withStaleKey(Snapshots.syncView(), "pg-test-3");
    SwitchoverRules.Accepted accepted =
        SwitchoverRules.check(
            SwitchoverRules.Action.SWITCHOVER,
            body("{\"leader\": \"pg-test-2\", \"candidate\": \"pg-test-3\"}"),
            view,
            NOW);
    assertThat(accepted.request().candidate()).hasValue("pg-test-3");
  }

  @Test
  void anAsynchronousCandidateStillIsJudgedByItsLag() throws Exception {
    ClusterView view = withStaleKey(Snapshots.asyncView(), "pg-test-3");
    assertThatThrownBy(
            () ->
                SwitchoverRules.check(
                    SwitchoverRules.Action.SWITCHOVER,
                    body("{\"leader\": \"pg-test-2\", \"candidate\": \"pg-test-3\"}"),
                    view,
                    NOW))
        .hasMessageContaining("pg-test-3 lags");
  }

  /** The member key of {@code name} published 10 MB ago, below maximum_lag_on_failover 0. */
  private static ClusterView withStaleKey(ClusterView view, String name) {
    Member stale =
        view.member(name).orElseThrow().toBuilder()
            .xlogLocation(Snapshots.LSN - 10_000_000)
            .build();
    return view.toBuilder()
        .member(stale)
        .config(view.config().orElseThrow().toBuilder().maximumLagOnFailover(0).build())
        .build();
  }

  private static ObjectNode body(String json) {
    return (ObjectNode) JsonMapper.builder().build().readTree(json);
  }
}
