package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code patronictl} (Debian package {@code patroni}) pointed at a cluster in etcd, for
 * tests that prove pgha works with Patroni's own tool.
 */
public final class Patronictl {
  private static final long TIMEOUT_SECONDS = 120;

  private final Path configFile;

  private Patronictl(Path configFile) {
    this.configFile = configFile;
  }

  /** The {@code patronictl} binary, if installed. */
  public static Optional<Path> binary() {
    return Binaries.onPath("patronictl")
        .or(
            () ->
                Files.isExecutable(Path.of("/usr/bin/patronictl"))
                    ? Optional.of(Path.of("/usr/bin/patronictl"))
                    : Optional.empty());
  }

  /**
   * Writes a patronictl configuration for the cluster {@code scope} under {@code namespace} in the
   * etcd at {@code etcdHostPort} (v3 API) into {@code dir}.
   */
  public static Patronictl forCluster(
      Path dir, String etcdHostPort, String namespace, String scope) {
    Path file = dir.resolve("patronictl.yml");
    try {
      Files.writeString(
          file,
          "scope: "
              + scope
              + "\nnamespace: "
              + namespace
              + "\netcd3:\n  hosts: "
              + etcdHostPort
              + "\n  protocol: http\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Patronictl(file);
  }

  public Path configFile() {
    return configFile;
  }

  /** The outcome of one command. */
  public record Result(int exitCode, String output) {
    /** The output, or an {@link AssertionError} with it when the command failed. */
    public String ok() {
      if (exitCode != 0) {
        throw new AssertionError("patronictl exited with " + exitCode + ":\n" + output);
      }
      return output;
    }
  }

  /** Runs {@code patronictl -c <file> <args>} and waits (at most 120 s) for it. */
  public Result run(String... args) {
    return run(Path.of("/dev/null"), args);
  }

  /**
   * Runs {@code patronictl -c <file> <args>} with {@code input} as its standard input (the answers
   * to its prompts, one a line) and waits (at most 120 s) for it.
   */
  public Result runWithInput(String input, String... args) {
    try {
      Path file = Files.createTempFile(configFile.getParent(), "patronictl", ".in");
      try {
        Files.writeString(file, input, StandardCharsets.UTF_8);
        return run(file, args);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Result run(Path input, String... args) {
    Path bin = binary().orElseThrow(() -> new IllegalStateException("patronictl not installed"));
    List<String> command = new ArrayList<>(List.of(bin.toString(), "-c", configFile.toString()));
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile(configFile.getParent(), "patronictl", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(input.toFile()));
      // Without a terminal patronictl must not page or wait for an editor.
      builder.environment().put("PAGER", "cat");
      builder.environment().put("EDITOR", "true");
      Process p = builder.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("patronictl " + String.join(" ", args) + " did not finish");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.deleteIfExists(output);
      return new Result(p.exitValue(), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running patronictl", e);
    }
  }

  /** The table row of {@code member} in the output of {@code list}. */
  public static String row(String table, String member) {
    return table
        .lines()
        .filter(l -> l.contains("| " + member + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + member + " in\n" + table));
  }
}
