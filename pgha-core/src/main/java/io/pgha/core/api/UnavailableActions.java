package io.pgha.core.api;

/** {@link ManagementActions} when no agent is plugged in. */
enum UnavailableActions implements ManagementActions {
  INSTANCE;

  private static final String REASON = "the HA agent is not running on this member";

  @Override
  public ActionResult restart(RestartRequest request) {
    return ActionResult.failed(REASON);
  }

  @Override
  public ActionResult cancelScheduledRestart() {
    return ActionResult.failed(REASON);
  }

  @Override
  public ActionResult reload() {
    return ActionResult.failed(REASON);
  }

  @Override
  public ActionResult reinitialize(boolean force, boolean fromLeader) {
    return ActionResult.failed(REASON);
  }

  @Override
  public boolean failsafeModeEnabled() {
    return false;
  }

  @Override
  public FailsafeAnswer failsafeHeartbeat(FailsafeRequest request) {
    return FailsafeAnswer.refused(REASON);
  }
}
