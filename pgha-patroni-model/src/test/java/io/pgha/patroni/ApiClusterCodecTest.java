package io.pgha.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ApiClusterCodecTest {
  private final List<String> warnings = new ArrayList<>();

  /** Patroni 3.0.2's answer on a synchronous cluster. */
  private static final String SYNC_CLUSTER =
      "{\"members\": [{\"name\": \"pg-test-1\", \"role\": \"replica\", \"state\": \"running\","
          + " \"api_url\": \"http://127.0.0.1:28008/patroni\", \"host\": \"127.0.0.1\","
          + " \"port\": 25432, \"timeline\": 2, \"lag\": 0}, {\"name\": \"pg-test-2\", \"role\":"
          + " \"leader\", \"state\": \"running\", \"api_url\": \"http://127.0.0.1:28009/patroni\","
          + " \"host\": \"127.0.0.1\", \"port\": 25433, \"timeline\": 2}, {\"name\": \"pg-test-3\","
          + " \"role\": \"sync_standby\", \"state\": \"running\", \"api_url\":"
          + " \"http://127.0.0.1:28010/patroni\", \"host\": \"127.0.0.1\", \"port\": 25434,"
          + " \"timeline\": 2, \"lag\": 0}]}";

  @Test
  void readsPatroni302Cluster() {
    ApiCluster c = PatroniCodec.decodeApiCluster(SYNC_CLUSTER, warnings::add);

    assertThat(c.members())
        .extracting(ApiCluster.Entry::name)
        .containsExactly("pg-test-1", "pg-test-2", "pg-test-3");
    assertThat(c.members())
        .extracting(ApiCluster.Entry::role)
        .containsExactly(Role.REPLICA, Role.PRIMARY, Role.REPLICA);
    ApiCluster.Entry leader = c.members().get(1);
    assertThat(leader.host()).contains("127.0.0.1");
    assertThat(leader.port()).hasValue(25433);
    assertThat(leader.lag()).isEmpty();
    assertThat(c.members().get(2).lag()).hasValue(0);
    assertThat(warnings).isEmpty();
  }

  @Test
  void unknownLagIsAbsentWithoutAWarning() {
    ApiCluster c =
        PatroniCodec.decodeApiCluster(
            "{\"members\": [{\"name\": \"a\", \"role\": \"replica\", \"lag\": \"unknown\"}]}",
            warnings::add);
    assertThat(c.members().get(0).lag()).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void aBadFieldIsReportedAndReadAsAbsent() {
    ApiCluster c =
        PatroniCodec.decodeApiCluster(
            "{\"members\": [{\"name\": \"a\", \"port\": [1], \"host\": {},"
                + " \"tags\": {\"noloadbalance\": \"yes\", \"nofailover\": \"maybe\"}}]}",
            warnings::add);
    ApiCluster.Entry a = c.members().get(0);
    assertThat(a.port()).isEqualTo(OptionalInt.empty());
    assertThat(a.host()).isEqualTo(Optional.empty());
    assertThat(a.role()).isEqualTo(Role.UNKNOWN);
    assertThat(a.state()).isEmpty();
    assertThat(a.lag()).isEqualTo(OptionalLong.empty());
    assertThat(a.tags().noLoadBalance()).isTrue();
    assertThat(a.tags().noFailover()).isFalse();
    assertThat(warnings)
        .hasSize(3)
        .allSatisfy(w -> assertThat(w).contains("GET /cluster member a"));
  }

  @Test
  void malformedBodiesNameTheProblem() {
    assertThatThrownBy(() -> PatroniCodec.decodeApiCluster("<html>", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("GET /cluster")
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> PatroniCodec.decodeApiCluster("[]", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("GET /cluster");
    assertThatThrownBy(() -> PatroniCodec.decodeApiCluster("{\"members\": 3}", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("GET /cluster members")
        .hasMessageContaining("a list of members");
    assertThatThrownBy(() -> PatroniCodec.decodeApiCluster("{}", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("a list of members");
  }

  @Test
  void aMemberWithoutANameRejectsTheWholeAnswer() {
    assertThatThrownBy(
            () ->
                PatroniCodec.decodeApiCluster(
                    "{\"members\": [{\"name\": \"a\"}, {\"role\": \"leader\"}]}", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("a member with a name");
    assertThatThrownBy(() -> PatroniCodec.decodeApiCluster("{\"members\": [7]}", warnings::add))
        .isInstanceOf(InvalidValueException.class);
  }
}
