package io.pgha.core.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a Patroni callback, {@code <command...> <action> <role> <scope>}, as a {@link
 * BoundedCommand} (time limit, output drained and logged, process tree killed, secrets kept out of
 * its environment); the outcome is logged, never thrown.
 */
final class CallbackRun {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackRun.class);

  private CallbackRun() {}

  static void run(
      String member,
      List<String> command,
      String action,
      String role,
      String scope,
      Duration timeout) {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of(action, role, scope));
    BoundedCommand.Result r;
    try {
      r = BoundedCommand.run(argv, timeout, "pgha-" + action.replace('_', '-') + "-" + member);
    } catch (IOException e) {
      LOG.warn(
          "[{}] {} {} could not run {}: {}", member, action, role, argv.get(0), e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    String output = r.output().isEmpty() ? "" : ": " + r.output();
    if (r.timedOut()) {
      LOG.warn(
          "[{}] {} {} did not finish within {}ms: killed with its children{}",
          member,
          action,
          role,
          timeout.toMillis(),
          output);
    } else if (r.exitCode() == 0) {
      LOG.info("[{}] {} {} done in {}ms{}", member, action, role, r.millis(), output);
    } else {
      LOG.warn("[{}] {} {} exited with {}{}", member, action, role, r.exitCode(), output);
    }
  }
}
