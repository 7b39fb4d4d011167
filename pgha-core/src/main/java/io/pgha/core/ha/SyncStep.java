package io.pgha.core.ha;

import io.pgha.patroni.SyncState;
import java.util.Objects;

/** One side effect of a {@link SyncPlan}, performed in order; a failed step stops the plan. */
public sealed interface SyncStep {

  /**
   * Write the {@code sync} key if it is still at {@code expectedRevision} (0: only if absent).
   *
   * @param sync the new value
   * @param expectedRevision the mod revision the decision saw
   */
  record WriteSyncKey(SyncState sync, long expectedRevision) implements SyncStep {
    public WriteSyncKey {
      Objects.requireNonNull(sync, "sync");
    }
  }

  /**
   * Delete the {@code sync} key if it is still at {@code expectedRevision}.
   *
   * @param expectedRevision the mod revision the decision saw
   */
  record ClearSyncKey(long expectedRevision) implements SyncStep {}

  /**
   * Set {@code synchronous_standby_names} (managed parameter file, reload).
   *
   * @param names the new value
   */
  record SetStandbyNames(StandbyNames names) implements SyncStep {
    public SetStandbyNames {
      Objects.requireNonNull(names, "names");
    }
  }
}
