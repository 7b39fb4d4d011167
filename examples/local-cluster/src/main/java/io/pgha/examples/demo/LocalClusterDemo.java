package io.pgha.examples.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The demo: a real 3-member cluster on this machine (one etcd, three PostgreSQL servers, three pgha
 * agents, each in a JVM of its own) with a client application writing and reading through
 * pgha-jdbc's {@code TopologyAwareDataSource}. It shows the cluster live in the terminal and on a
 * web page, kills the leader's host, shows the failover, brings the old leader back as a replica,
 * freezes the new leader's host (a hung host: SIGSTOP) and thaws it after the failover, performs a
 * planned switchover through the leader's API and prints a summary.
 *
 * <p>Options: {@code --port N} (the web page's port), {@code --interactive} (keep everything up
 * after the scenario until Ctrl-C), {@code --minutes N} (keep it up N minutes).
 *
 * <p>Exit status: 0 when the scenario ran, 1 when it failed, 2 on bad options or missing binaries,
 * 130 when Ctrl-C stopped it during the scenario.
 */
public final class LocalClusterDemo {
  private LocalClusterDemo() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("demo: " + e.getMessage());
      return 2;
    }
    Optional<String> missing = Prerequisites.missing();
    if (missing.isPresent()) {
      err.println("demo: " + missing.get());
      return 2;
    }
    Optional<Path> dataDir = DemoDataDir.create();
    Demo demo = new Demo(options, out);
    Thread onCtrlC =
        new Thread(
            () -> {
              demo.abort();
              dataDir.ifPresent(DemoDataDir::delete);
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      demo.start();
      DemoSummary summary = demo.runScenario();
      out.println();
      out.println(summary.text());
      out.println();
      if (options.untilInterrupted() || !options.keepUp().isZero()) {
        demo.keepUp(options.keepUp());
      }
      return 0;
    } catch (CancellationException e) {
      return 130;
    } catch (Exception e) {
      err.println("demo failed: " + describe(e));
      if (Boolean.getBoolean("demo.stacktrace")) {
        e.printStackTrace(err);
      } else {
        err.println("(run with -Ddemo.stacktrace=true for the stack trace)");
      }
      return 1;
    } finally {
      demo.close();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
        dataDir.ifPresent(DemoDataDir::delete);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down (Ctrl-C): the hook does the cleanup
      }
    }
  }

  /** The exception and its causes on one line, messages only, each said once. */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      message = message.strip().replace('\n', ' ');
      if (b.indexOf(message) < 0) {
        b.append(b.length() == 0 ? "" : " <- ").append(message);
      }
    }
    return b.toString();
  }
}
