package io.pgha.core.postgres;

import java.util.List;

/**
 * The outcome of an OS command run for PostgreSQL.
 *
 * @param command the command line (never holds a password: pgha passes them in the environment)
 * @param exitCode the exit status (-1 when it timed out)
 * @param output stdout and stderr, merged
 * @param timedOut whether it was killed at its deadline
 */
public record CommandResult(List<String> command, int exitCode, String output, boolean timedOut) {

  /** Whether it exited with status 0 in time. */
  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }

  /** The last lines of the output, for an error message. */
  public String outputTail() {
    String[] lines = output.strip().split("\n");
    int from = Math.max(0, lines.length - 8);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  /** A one-line description for an error message: which program, how it ended, its output. */
  String describe() {
    String program =
        command.isEmpty() ? "?" : java.nio.file.Path.of(command.get(0)).getFileName().toString();
    String ending = timedOut ? "timed out" : "exited with status " + exitCode;
    return program + " " + ending + ": " + outputTail();
  }
}
