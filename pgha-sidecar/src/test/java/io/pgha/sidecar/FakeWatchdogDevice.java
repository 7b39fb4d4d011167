package io.pgha.sidecar;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A watchdog device for {@code watchdog.driver: testing}, as Patroni's acceptance harness fakes one
 * (its {@code WatchdogMonitor}): a named pipe read by a thread that notes the timeout it is told
 * ({@code Ctimeout=<seconds>} and a newline), the keep-alives ({@code 1}) and the magic close
 * ({@code V}), and whether a real device would have fired: more than the timeout between the open
 * or a keep-alive and the next keep-alive, or until now, with no magic close in between. Linux
 * only.
 */
final class FakeWatchdogDevice implements AutoCloseable {
  final Path path;
  private final Thread reader;
  private volatile boolean stopping;
  private volatile long timeoutSeconds = 60;
  private volatile long lastNanos;
  private volatile boolean counting;
  private volatile boolean fired;
  private volatile int keepAlives;
  private volatile int magicCloses;

  private FakeWatchdogDevice(Path path) {
    this.path = path;
    this.reader = new Thread(this::run, "fake-watchdog-" + path.getFileName());
    this.reader.setDaemon(true);
  }

  static FakeWatchdogDevice create(Path path) throws IOException, InterruptedException {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).start();
    if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
      throw new IOException("mkfifo " + path + " failed");
    }
    FakeWatchdogDevice device = new FakeWatchdogDevice(path);
    device.reader.start();
    return device;
  }

  private void run() {
    while (!stopping) {
      try (InputStream in = new FileInputStream(path.toFile())) {
        if (stopping) {
          return;
        }
        // Opening the device starts it counting.
        lastNanos = System.nanoTime();
        counting = true;
        for (int c = in.read(); c != -1 && !stopping; c = in.read()) {
          if (c == 'C') {
            String command = line(in);
            if (command.startsWith("timeout=")) {
              timeoutSeconds = Long.parseLong(command.substring("timeout=".length()));
            }
          } else if (c == '1') {
            check();
            keepAlives++;
            lastNanos = System.nanoTime();
          } else if (c == 'V') {
            check();
            magicCloses++;
            counting = false;
          }
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      b.append((char) c);
    }
    return b.toString();
  }

  private void check() {
    if (counting && System.nanoTime() - lastNanos > TimeUnit.SECONDS.toNanos(timeoutSeconds)) {
      fired = true;
    }
  }

  /** Whether a real device would have reset the host by now. */
  boolean fired() {
    check();
    return fired;
  }

  long timeoutSeconds() {
    return timeoutSeconds;
  }

  int keepAlives() {
    return keepAlives;
  }

  int magicCloses() {
    return magicCloses;
  }

  @Override
  public void close() throws Exception {
    stopping = true;
    if (!reader.isAlive()) {
      Files.deleteIfExists(path);
      return;
    }
    // A reader blocked in open() needs a writer to return.
    Thread opener =
        new Thread(
            () -> {
              try (OutputStream out = Files.newOutputStream(path)) {
                out.write("X".getBytes(StandardCharsets.US_ASCII));
              } catch (IOException e) {
                // the reader is gone already
              }
            });
    opener.setDaemon(true);
    opener.start();
    reader.join(TimeUnit.SECONDS.toMillis(5));
    opener.join(TimeUnit.SECONDS.toMillis(1));
    Files.deleteIfExists(path);
  }
}
