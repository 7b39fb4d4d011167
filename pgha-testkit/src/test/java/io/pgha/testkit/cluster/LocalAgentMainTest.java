package io.pgha.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.agent.AgentEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event lines an agent in a JVM of its own writes are read back as the same events. */
class LocalAgentMainTest {

  @Test
  void everyKindOfEventSurvivesTheLine() {
    List<AgentEvent> events =
        List.of(
            new AgentEvent.LeadershipAcquired("pg1"),
            new AgentEvent.LeadershipLost("pg1", "lease gone"),
            new AgentEvent.Promoted("pg1", 3),
            new AgentEvent.PromotedWithDataLoss("pg1", 184, 100_000, 99_816),
            new AgentEvent.Demoted("pg1", "leadership lost"),
            new AgentEvent.FollowingLeader("pg1", "pg2"),
            new AgentEvent.FastTakeover("pg2", "pg1", 2093));
    for (AgentEvent e : events) {
      assertThat(LocalAgentMain.parseEvent(LocalAgentMain.formatEvent(42, e)))
          .contains(new LocalPghaCluster.TimedEvent(42, e));
    }
  }

  @Test
  void logLinesAndBrokenEventLinesAreNoEvents() {
    assertThat(LocalAgentMain.parseEvent("16:28:57.468 INFO [pgha-ha-pg2] no action")).isEmpty();
    assertThat(LocalAgentMain.parseEvent("PGHA-EVENT\tnot-a-number\tPromoted\tpg1\t2")).isEmpty();
    assertThat(LocalAgentMain.parseEvent("PGHA-EVENT\t1\tPromoted\tpg1")).isEmpty();
    assertThat(LocalAgentMain.parseEvent("PGHA-EVENT\t1\tUnheardOf\tpg1\tx")).isEmpty();
  }

  @Test
  void aLineBreakInAReasonStaysOnOneLine() {
    String line = LocalAgentMain.formatEvent(7, new AgentEvent.Demoted("pg1", "a\nb"));
    assertThat(line).doesNotContain("\n");
    assertThat(LocalAgentMain.parseEvent(line))
        .contains(new LocalPghaCluster.TimedEvent(7, new AgentEvent.Demoted("pg1", "a b")));
  }
}
