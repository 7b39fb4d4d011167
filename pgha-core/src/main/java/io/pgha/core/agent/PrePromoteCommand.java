package io.pgha.core.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's {@code pre_promote}: a fencing program run after this member took the leader key and
 * before it promotes PostgreSQL. Only an exit status of 0 within the time limit lets the promotion
 * go ahead; the lease keeps itself alive meanwhile on its own thread.
 */
final class PrePromoteCommand {
  private static final Logger LOG = LoggerFactory.getLogger(PrePromoteCommand.class);

  private final String name;
  private final List<String> command;
  private final Duration timeout;

  PrePromoteCommand(String name, List<String> command, Duration timeout) {
    this.name = name;
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  /** Runs the command; empty when it succeeded, else why the promotion must not happen. */
  Optional<String> run() {
    BoundedCommand.Result r;
    try {
      r = BoundedCommand.run(command, timeout, "pgha-pre-promote-" + name);
    } catch (IOException e) {
      return Optional.of("pre_promote could not run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("pre_promote was interrupted");
    }
    if (r.timedOut()) {
      return Optional.of(
          "pre_promote " + command + " did not finish within " + timeout.toMillis() + "ms");
    }
    String out = r.output();
    if (r.exitCode() != 0) {
      return Optional.of(
          "pre_promote "
              + command
              + " exited with "
              + r.exitCode()
              + (out.isEmpty() ? "" : ": " + out));
    }
    LOG.info(
        "[{}] pre_promote succeeded in {}ms{}", name, r.millis(), out.isEmpty() ? "" : ": " + out);
    return Optional.empty();
  }
}
