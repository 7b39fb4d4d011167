package io.pgha.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command to completion. */
final class Command {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private Command() {}

  /** What a command did. */
  record Result(List<String> command, int exitCode, String output) {

    /** The output, or an error with the command, exit code and output when it failed. */
    String requireSuccess() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (exit " + exitCode + "): " + output.strip());
      }
      return output;
    }
  }

  /** Runs {@code command}, capturing stdout and stderr together. */
  static Result run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(command, await(process, command), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    }
  }

  /**
   * Runs {@code command} with its output appended to {@code logFile}; fails with the log's last
   * lines when it exits non-zero.
   */
  static void runLogged(List<String> command, Path logFile) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      int exitCode = await(process, command);
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed (exit "
                + exitCode
                + "); last lines of "
                + logFile
                + ":\n"
                + LogFiles.tail(logFile, 20));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    }
  }

  private static int await(Process process, List<String> command) {
    try {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + TIMEOUT);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
