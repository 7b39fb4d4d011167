package io.pgha.sidecar;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's {@code haproxy-config} command, run in this JVM (same package, so the command line
 * entry point that does not call {@code System.exit} is reachable), so that the benchmark fronts
 * its clusters with exactly the file an operator would deploy.
 */
public final class HaproxyConfigCommand {
  private HaproxyConfigCommand() {}

  /** The command's result: its exit status, standard output (the file) and standard error. */
  public record Result(int status, String out, String err) {}

  /**
   * Runs {@code haproxy-config --bind <bind> --ports P,R,D,O [--fast-checks] <config>}.
   *
   * @param ports the primary, replica, default and offline ports
   * @param fastChecks whether to pass {@code --fast-checks}
   */
  public static Result run(String bind, List<Integer> ports, boolean fastChecks, Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String portList = String.join(",", ports.stream().map(String::valueOf).toList());
    int status =
        Sidecar.execute(
            fastChecks
                ? new String[] {
                  "haproxy-config",
                  "--bind",
                  bind,
                  "--ports",
                  portList,
                  "--fast-checks",
                  config.toString()
                }
                : new String[] {
                  "haproxy-config", "--bind", bind, "--ports", portList, config.toString()
                },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
