package io.pgha.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The application instances of the fleet-clients benchmark: {@code jvms} child JVMs ({@link
 * FleetClientMain}) sharing {@code clients} DataSources between them, on this JVM's class path.
 */
final class FleetClientJvms implements AutoCloseable {

  /** A leader change seen by one client. */
  record Change(String client, long epochMicros, String leader) {}

  private final List<Child> children = new CopyOnWriteArrayList<>();

  /** Ends the JVMs if this one exits before {@link #close()} (a stopped benchmark). */
  private final Thread onExit =
      new Thread(
          () -> children.forEach(c -> c.process.destroyForcibly()), "fleet-client-jvms-exit");

  private static final class Child {
    final int id;
    final Process process;
    final Writer stdin;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Child(int id, Process process) {
      this.id = id;
      this.process = process;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Starts the JVMs (each with about {@code clients / jvms} DataSources) and waits until every
   * DataSource has its first topology.
   */
  FleetClientJvms(
      int clients, int jvms, List<String> endpoints, String scope, Path logDir, Duration timeout) {
    Runtime.getRuntime().addShutdownHook(onExit);
    try {
      for (int j = 0; j < jvms; j++) {
        int count = clients / jvms + (j < clients % jvms ? 1 : 0);
        if (count > 0) {
          children.add(start(j, count, endpoints, scope, logDir));
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Child c : children) {
        String ready = next(c, deadline);
        if (ready == null || !ready.startsWith("READY")) {
          throw new IllegalStateException(
              "client JVM "
                  + c.id
                  + " did not start its DataSources within "
                  + timeout
                  + " (see "
                  + logDir.resolve("client-jvm-" + c.id + ".log")
                  + ")");
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Child start(int id, int count, List<String> endpoints, String scope, Path logDir) {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx384m",
                  "-Xss256k",
                  "-XX:+UseSerialGC",
                  "-Dpgha.log.root=FILE",
                  "-Dpgha.log.file=" + logDir.resolve("client-jvm-" + id + ".log"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  FleetClientMain.class.getName(),
                  Integer.toString(id),
                  Integer.toString(count),
                  String.join(",", endpoints),
                  scope)
              .redirectError(
                  ProcessBuilder.Redirect.appendTo(
                      logDir.resolve("client-jvm-" + id + ".stderr").toFile()))
              .start();
      Child c = new Child(id, p);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l = in.readLine(); l != null; l = in.readLine()) {
                    if (l.startsWith(FleetClientMain.TAG)) {
                      c.lines.add(l.substring(FleetClientMain.TAG.length()));
                    }
                  }
                } catch (IOException e) {
                  // the child is gone
                }
              },
              "fleet-client-jvm-" + id);
      reader.setDaemon(true);
      reader.start();
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start client JVM " + id, e);
    }
  }

  /** Every leader change the clients recorded since the last call. */
  List<Change> changes(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Child c : children) {
      send(c, "DUMP");
    }
    List<Change> all = new ArrayList<>();
    for (Child c : children) {
      for (String l = next(c, deadline); !"END".equals(l); l = next(c, deadline)) {
        if (l == null) {
          throw new IllegalStateException("client JVM " + c.id + " did not answer DUMP");
        }
        String[] f = l.split(" ");
        if (f[0].equals("EVENT")) {
          all.add(new Change(c.id + "/" + f[1], Long.parseLong(f[2]), f[3]));
        }
      }
    }
    return all;
  }

  List<Long> pids() {
    return children.stream().map(c -> c.process.pid()).toList();
  }

  private static void send(Child c, String command) {
    try {
      c.stdin.write(command + "\n");
      c.stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("client JVM " + c.id + " is gone", e);
    }
  }

  private static String next(Child c, long deadline) {
    try {
      return c.lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void close() {
    for (Child c : children) {
      try {
        send(c, "EXIT");
      } catch (UncheckedIOException e) {
        // already gone
      }
    }
    for (Child c : children) {
      try {
        if (!c.process.waitFor(30, TimeUnit.SECONDS)) {
          c.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.process.destroyForcibly();
      }
    }
    children.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook ends what is left
    }
  }
}
