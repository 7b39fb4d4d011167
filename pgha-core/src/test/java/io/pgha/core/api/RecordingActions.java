package io.pgha.core.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link ManagementActions} that record what they were asked and answer as configured. */
public final class RecordingActions implements ManagementActions {
  public final List<Object> calls = new CopyOnWriteArrayList<>();
  public volatile boolean failsafeEnabled;

  @Override
  public ActionResult restart(RestartRequest request) {
    calls.add(request);
    return request.schedule().isPresent()
        ? ActionResult.accepted("Restart scheduled")
        : ActionResult.done("restarted successfully");
  }

  @Override
  public ActionResult cancelScheduledRestart() {
    calls.add("cancel restart");
    return ActionResult.notFound("no restarts are scheduled");
  }

  @Override
  public ActionResult reload() {
    calls.add("reload");
    return ActionResult.accepted("reload scheduled");
  }

  @Override
  public ActionResult reinitialize(boolean force, boolean fromLeader) {
    calls.add("reinitialize force=" + force + " from_leader=" + fromLeader);
    return ActionResult.done("reinitialize started");
  }

  @Override
  public boolean failsafeModeEnabled() {
    return failsafeEnabled;
  }

  @Override
  public FailsafeAnswer failsafeHeartbeat(FailsafeRequest request) {
    calls.add(request);
    return FailsafeAnswer.accepted(12345);
  }
}
