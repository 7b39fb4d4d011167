package io.pgha.core.ha;

import java.util.List;
import java.util.Objects;

/**
 * What the leader does next about synchronous replication: steps in the order that keeps the {@code
 * sync} key naming only members that have every acknowledged commit, and why.
 *
 * @param steps in order; empty when all is as it should be
 * @param reason one plain sentence, the log line
 */
public record SyncPlan(List<SyncStep> steps, String reason) implements Action.Payload {

  public SyncPlan {
    steps = List.copyOf(steps);
    Objects.requireNonNull(reason, "reason");
  }

  static SyncPlan nothing(String reason) {
    return new SyncPlan(List.of(), reason);
  }

  static SyncPlan of(String reason, SyncStep... steps) {
    return new SyncPlan(List.of(steps), reason);
  }

  /** Whether there is something to do. */
  public boolean isActive() {
    return !steps.isEmpty();
  }
}
