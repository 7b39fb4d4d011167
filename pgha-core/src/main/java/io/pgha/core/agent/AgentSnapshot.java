package io.pgha.core.agent;

import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import java.util.List;

/**
 * The agent's state at one moment, for the host application and the HTTP API.
 *
 * @param member this member's name
 * @param holdsLeadership whether this member holds the leader key on a live lease
 * @param postgres the local PostgreSQL as last probed
 * @param cluster the cluster as the last HA cycle saw it
 * @param recentDecisions the last decisions of the HA loop, newest first
 * @param lastCycleNanos when the last HA cycle ended ({@link System#nanoTime()})
 */
public record AgentSnapshot(
    String member,
    boolean holdsLeadership,
    PostgresStatus postgres,
    ClusterView cluster,
    List<DecisionRecord> recentDecisions,
    long lastCycleNanos) {

  public AgentSnapshot {
    recentDecisions = List.copyOf(recentDecisions);
  }

  /** The reason of the last decision, or empty before the first cycle. */
  public String lastDecision() {
    return recentDecisions.isEmpty() ? "" : recentDecisions.get(0).decision().reason();
  }
}
