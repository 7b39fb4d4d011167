package io.pgha.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads {@code postmaster.pid}, whose 8th line is the server status ("ready" or "standby" once it
 * accepts connections), to know when a freshly started postmaster can be used.
 */
final class PostmasterPid {

  private PostmasterPid() {}

  /** True if {@code postmaster.pid} belongs to {@code pid} and says it accepts connections. */
  static boolean isReady(Path dataDir, long pid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
    } catch (IOException e) {
      return false;
    }
    if (lines.size() < 8 || !lines.get(0).strip().equals(Long.toString(pid))) {
      return false;
    }
    String status = lines.get(7).strip();
    return status.equals("ready") || status.equals("standby");
  }
}
