package io.pgha.core.ha;

import static io.pgha.core.ha.Given.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.patroni.Tags;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamingTopologyTest {

  private static Tags replicateFrom(String upstream) {
    return new Tags(false, 1, false, false, false, 1, Optional.of(upstream), false, null);
  }

  private static final Tags NOSTREAM =
      new Tags(false, 1, false, false, false, 1, Optional.empty(), true, null);

  private static ClusterView cluster(Member... extra) {
    ClusterView.Builder b =
        ClusterView.builder()
            .leader("pg-1")
            .member(member("pg-1"))
            .member(member("pg-2"))
            .member(member("pg-3", replicateFrom("pg-2")));
    for (Member m : extra) {
      b.member(m);
    }
    return b.build();
  }

  @Test
  void theLeaderKeepsTheSlotsOfThoseStreamingFromItButNotOfCascadedMembers() {
    assertThat(StreamingTopology.streamingFrom(cluster(), "pg-1", true)).containsExactly("pg-2");
  }

  @Test
  void aReplicaKeepsTheSlotsOfTheMembersCascadingFromIt() {
    assertThat(StreamingTopology.streamingFrom(cluster(), "pg-2", false)).containsExactly("pg-3");
    assertThat(StreamingTopology.streamingFrom(cluster(), "pg-3", false)).isEmpty();
  }

  @Test
  void whenTheUpstreamIsNotRunningTheLeaderKeepsTheSlotInstead() {
    ClusterView view = cluster(member("pg-2").toBuilder().state("stopped").build());

    assertThat(StreamingTopology.streamingFrom(view, "pg-1", true)).containsExactly("pg-2", "pg-3");
    assertThat(StreamingTopology.streamingFrom(view, "pg-2", false)).isEmpty();
  }

  @Test
  void whenTheUpstreamHasNoKeyTheLeaderKeepsTheSlot() {
    ClusterView view = cluster().toBuilder().removeMember("pg-2").build();

    assertThat(StreamingTopology.streamingFrom(view, "pg-1", true)).containsExactly("pg-3");
  }

  @Test
  void aNostreamMemberHasASlotNowhere() {
    ClusterView view =
        cluster(
            member("pg-4", NOSTREAM),
            member(
                "pg-5",
                new Tags(false, 1, false, false, false, 1, Optional.of("pg-2"), true, null)));

    assertThat(StreamingTopology.streamingFrom(view, "pg-1", true)).containsExactly("pg-2");
    assertThat(StreamingTopology.streamingFrom(view, "pg-2", false)).containsExactly("pg-3");
  }

  @Test
  void theLeaderIsNeverKeptASlotForEvenIfTaggedReplicatefrom() {
    ClusterView view = cluster().toBuilder().leader("pg-3").build();

    assertThat(StreamingTopology.streamingFrom(view, "pg-2", false)).isEmpty();
  }

  @Test
  void aPrimaryThatJustTookTheKeyCountsAsTheLeader() {
    ClusterView unlocked =
        ClusterView.builder().member(member("pg-1")).member(member("pg-2")).build();

    assertThat(StreamingTopology.streamingFrom(unlocked, "pg-1", true)).containsExactly("pg-2");
    assertThat(StreamingTopology.streamingFrom(unlocked, "pg-1", false)).isEmpty();
  }

  @Test
  void theUpstreamOfAMemberFollowsItsTags() {
    ClusterView view = cluster();
    Optional<String> leader = Optional.of("pg-1");

    assertThat(StreamingTopology.upstreamOf(view, "pg-3", replicateFrom("pg-2"), leader))
        .contains("pg-2");
    assertThat(StreamingTopology.upstreamOf(view, "pg-3", replicateFrom("pg-3"), leader))
        .contains("pg-1");
    assertThat(StreamingTopology.upstreamOf(view, "pg-3", replicateFrom("pg-9"), leader))
        .contains("pg-1");
    assertThat(StreamingTopology.upstreamOf(view, "pg-3", NOSTREAM, leader)).isEmpty();
    assertThat(StreamingTopology.upstreamOf(view, "pg-1", Tags.NONE, leader)).isEmpty();
  }
}
