package io.pgha.core.postgres;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends a signal to processes with {@code kill}: Java can send only SIGTERM and SIGKILL itself, and
 * fencing needs SIGQUIT (PostgreSQL's immediate shutdown), without {@code pg_ctl}, which waits.
 */
final class Signals {
  private static final long KILL_TIMEOUT_MILLIS = 5_000;

  private Signals() {}

  /**
   * Sends {@code signal} (e.g. {@code QUIT}) to every pid, in order; false when {@code kill} could
   * not be run or did not end within 5 s (a pid that is gone already is not a failure).
   */
  static boolean send(String signal, List<Long> pids) {
    if (pids.isEmpty()) {
      return true;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-s", signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    try {
      Process kill =
          ChildEnvironment.processBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(KILL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        return false;
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
