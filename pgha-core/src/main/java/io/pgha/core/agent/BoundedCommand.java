package io.pgha.core.agent;

import io.pgha.core.postgres.ChildEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program pgha runs on the operator's behalf ({@code pre_promote}, the callbacks) with a time
 * limit: its output is read while it runs (a program writing more than a pipe holds would otherwise
 * block until the limit) and the first {@value #KEPT_OUTPUT_BYTES} bytes are kept for the log; at
 * the limit the program and every process it started are killed; it inherits no secret of the JVM's
 * environment ({@link ChildEnvironment}).
 */
final class BoundedCommand {
  static final int KEPT_OUTPUT_BYTES = 4096;
  private static final long READER_GRACE_MILLIS = 1000;

  /**
   * How a run ended.
   *
   * @param timedOut killed at the limit (then {@code exitCode} is -1)
   * @param exitCode the exit status
   * @param output the first bytes of stdout and stderr, stripped
   * @param millis how long it ran
   */
  record Result(boolean timedOut, int exitCode, String output, long millis) {
    boolean succeeded() {
      return !timedOut && exitCode == 0;
    }
  }

  private BoundedCommand() {}

  /**
   * Runs {@code argv}; interrupts kill it as the limit does.
   *
   * @param threadName the name of the thread that drains the output
   * @throws IOException when the program cannot be started
   * @throws InterruptedException with the program and its children killed
   */
  static Result run(List<String> argv, Duration timeout, String threadName)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    ProcessBuilder builder = ChildEnvironment.processBuilder(argv).redirectErrorStream(true);
    Process p = builder.start();
    p.getOutputStream().close();
    OutputTail output = new OutputTail(p.getInputStream());
    Thread reader = new Thread(output, threadName);
    reader.setDaemon(true);
    reader.start();
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      killTree(p);
      throw e;
    }
    if (!done) {
      killTree(p);
    }
    // A child that outlived the program may hold the pipe open: its output is not waited for.
    reader.join(READER_GRACE_MILLIS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    return new Result(!done, done ? p.exitValue() : -1, output.text(), millis);
  }

  /**
   * Kills the program and the processes it started. The descendants are listed first: once the
   * program is dead its children are re-parented and can no longer be found from it.
   */
  private static void killTree(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** Keeps the first bytes of the program's output; reads the rest to the end. */
  private static final class OutputTail implements Runnable {
    private final InputStream in;
    private final byte[] kept = new byte[KEPT_OUTPUT_BYTES];
    private volatile int length;

    OutputTail(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
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
