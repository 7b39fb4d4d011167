package io.pgha.core.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's {@code pre_promote}: a fencing program run after this member took the leader key and
 * before it promotes PostgreSQL. Only an exit status of 0 within the time limit lets the promotion
 * go ahead; the lease keeps itself alive meanwhile on its own thread.
 */
final class PrePromoteCommand {
  private static final Logger LOG = LoggerFactory.getLogger(PrePromoteCommand.class);
  private static final int KEPT_OUTPUT_BYTES = 4096;

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
    long started = System.nanoTime();
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      return Optional.of("pre_promote could not run " + command.get(0) + ": " + e.getMessage());
    }
    OutputTail output = new OutputTail(p.getInputStream());
    Thread reader = new Thread(output, "pgha-pre-promote-" + name);
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return Optional.of(
            "pre_promote " + command + " did not finish within " + timeout.toMillis() + "ms");
      }
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return Optional.of("pre_promote was interrupted");
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    String out = output.text();
    if (p.exitValue() != 0) {
      return Optional.of(
          "pre_promote "
              + command
              + " exited with "
              + p.exitValue()
              + (out.isEmpty() ? "" : ": " + out));
    }
    LOG.info("[{}] pre_promote succeeded in {}ms{}", name, millis, out.isEmpty() ? "" : ": " + out);
    return Optional.empty();
  }

  /** Keeps the first bytes of the program's output for the log; reads the rest to the end. */
  private static final class OutputTail implements Runnable {
    private final InputStream in;
    private final byte[] kept = new byte[KEPT_OUTPUT_BYTES];
    private volatile int length;

    OutputTail(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[1024];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          int copy = Math.min(n, kept.length - length);
          if (copy > 0) {
            System.arraycopy(buf, 0, kept, length, copy);
            length += copy;
          }
        }
      } catch (IOException e) {
        // the process is gone: what was read is all there is
      }
    }

    String text() {
      return new String(kept, 0, length, StandardCharsets.UTF_8).strip();
    }
  }
}
