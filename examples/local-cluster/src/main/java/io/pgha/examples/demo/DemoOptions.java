package io.pgha.examples.demo;

import java.time.Duration;
import java.util.Locale;

/**
 * What the demo was asked to do on its command line.
 *
 * @param port the web page's port on 127.0.0.1, 0 for a free one
 * @param keepUp how long to keep the cluster and the web page up after the scripted scenario:
 *     {@link Duration#ZERO} to stop at once, null to wait for Ctrl-C
 * @param pace how long each step of the scenario lets the load run
 */
record DemoOptions(int port, Duration keepUp, Pace pace) {

  /**
   * Seconds of load shown at each step: before the fault, after the failover, after the rejoin and
   * after the switchover.
   */
  record Pace(int steadySeconds, int observeSeconds) {
    static final Pace NORMAL = new Pace(8, 4);

    /**
     * The smoke test's: every step still waits for its outcome (a new leader, writes resumed, a
     * streaming replica) and the live view prints its rates every second throughout.
     */
    static final Pace SHORT = new Pace(1, 0);
  }

  static final String USAGE =
      "usage: LocalClusterDemo [--port N] [--interactive | --minutes N]\n"
          + "  --port N        serve the web page on 127.0.0.1:N (default: a free port)\n"
          + "  --interactive   after the scenario, keep the cluster and the page up until Ctrl-C\n"
          + "  --minutes N     after the scenario, keep them up N more minutes (Ctrl-C ends earlier)";

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException naming the option, the value and what is allowed
   */
  static DemoOptions parse(String... args) {
    int port = 0;
    Duration keepUp = Duration.ZERO;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--port" -> port = intValue(arg, next(args, ++i, arg), 1, 65535);
        case "--minutes" ->
            keepUp = Duration.ofMinutes(intValue(arg, next(args, ++i, arg), 1, 24 * 60));
        case "--interactive" -> keepUp = null;
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default ->
            throw new IllegalArgumentException(
                "unknown option '" + arg + "'; allowed: --port N, --interactive, --minutes N");
      }
    }
    return new DemoOptions(port, keepUp, Pace.NORMAL);
  }

  /** Whether the cluster stays up after the scenario until Ctrl-C. */
  boolean untilInterrupted() {
    return keepUp == null;
  }

  DemoOptions withPace(Pace newPace) {
    return new DemoOptions(port, keepUp, newPace);
  }

  private static String next(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int intValue(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "%s '%s' is not allowed: give a whole number from %d to %d",
            option,
            value,
            min,
            max));
  }
}
