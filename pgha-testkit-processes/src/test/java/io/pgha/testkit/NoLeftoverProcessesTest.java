package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test class (see junit-platform.properties and {@link
 * ClassOrderer.OrderAnnotation}): every etcd and PostgreSQL process the suite started, and every
 * child they had, must be gone.
 */
@Order(Integer.MAX_VALUE)
class NoLeftoverProcessesTest {

  @Test
  void everyProcessTheSuiteStartedIsGone() {
    List<TrackedProcess> all = ProcessTracker.all();
    assumeTrue(!all.isEmpty(), "no process was started in this JVM (test run alone)");

    assertThat(ProcessTracker.unreleased()).as("processes whose owner was never closed").isEmpty();
    assertThat(ProcessTracker.alive()).as("processes or children still running").isEmpty();
  }

  @Test
  void noProcessStillRunsOnTheKitsDirectories() throws IOException {
    // Independent of the tracker: etcd's --data-dir and the postmaster's -D name the kit's dir.
    String baseDir = Testkit.baseDir().toString();
    assertThat(commandLinesMentioning(baseDir)).as("processes using " + baseDir).isEmpty();
  }

  private static List<String> commandLinesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (pid == self || ProcessTree.identify(pid).isEmpty()) {
          continue;
        }
        String commandLine;
        try {
          commandLine =
              new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
        } catch (IOException e) {
          continue; // exited meanwhile
        }
        if (commandLine.contains(text)) {
          found.add(pid + ": " + commandLine);
        }
      }
    }
    return found;
  }
}
