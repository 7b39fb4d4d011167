package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real HAProxy on this machine, run in the foreground ({@code -db}) on a configuration file the
 * test wrote, tracked like every process of the kit. Its listening ports are whatever the file
 * says: pick them with {@link Testkit#freePort()}.
 */
public final class LocalHaproxy implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final ManagedProcess process;
  private final Path configFile;

  private LocalHaproxy(ManagedProcess process, Path configFile) {
    this.process = process;
    this.configFile = configFile;
  }

  /** The {@code haproxy} binary, if installed. */
  public static Optional<Path> binary() {
    return Binaries.onPath("haproxy").or(() -> existing(Path.of("/usr/sbin/haproxy")));
  }

  /**
   * Checks {@code configText} with {@code haproxy -c}, then starts HAProxy on it and waits until
   * {@code awaitPort} on 127.0.0.1 accepts connections.
   *
   * @throws IllegalStateException when HAProxy rejects the file or does not listen within 30 s
   */
  public static LocalHaproxy start(String configText, int awaitPort) {
    Path haproxy =
        binary()
            .orElseThrow(
                () -> new IllegalStateException("haproxy not found; apt-get install haproxy"));
    Path dir = Testkit.newWorkDir("haproxy");
    Path config = dir.resolve("haproxy.cfg");
    Path log = dir.resolve("haproxy.log");
    try {
      Files.writeString(config, configText, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    checkConfig(haproxy, config, dir.resolve("check.log"));
    ManagedProcess process =
        ManagedProcess.start(
            "haproxy", List.of(haproxy.toString(), "-db", "-f", config.toString()), log);
    LocalHaproxy started = new LocalHaproxy(process, config);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!accepts(awaitPort)) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        String tail = process.logTail(30);
        started.close();
        throw new IllegalStateException(
            "haproxy did not listen on port " + awaitPort + " within 30 s; log:\n" + tail);
      }
      sleep(50);
    }
    return started;
  }

  /** The configuration file HAProxy runs on. */
  public Path configFile() {
    return configFile;
  }

  public long pid() {
    return process.pid();
  }

  /** The last lines of HAProxy's output (health check transitions among them). */
  public String logTail(int lines) {
    return process.logTail(lines);
  }

  /** Stops HAProxy (SIGTERM, then SIGKILL after a grace period). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.stop("TERM", STOP_GRACE);
    }
  }

  private static void checkConfig(Path haproxy, Path config, Path log) {
    try {
      Process check =
          new ProcessBuilder(haproxy.toString(), "-c", "-f", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        check.destroyForcibly();
        throw new IllegalStateException("haproxy -c did not finish within 30 s");
      }
      if (check.exitValue() != 0) {
        throw new IllegalStateException(
            "haproxy rejects " + config + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + config, e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> existing(Path p) {
    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return "LocalHaproxy[pid=" + process.pid() + ", config=" + configFile + "]";
  }
}
