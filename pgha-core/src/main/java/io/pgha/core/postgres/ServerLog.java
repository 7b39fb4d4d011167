package io.pgha.core.postgres;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The postmaster's log file (its standard output and error): where a start begins reading and what
 * it wrote since, quoted in errors when a start fails.
 */
final class ServerLog {
  private static final int TAIL_BYTES = 8192;
  private static final int TAIL_LINES = 20;

  private final Path file;

  ServerLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The current length, to read from later with {@link #since}. */
  long size() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The end of the log written since {@code offset} (at most the last 20 lines). */
  String since(long offset) {
    try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(Math.max(offset, 0), log.length() - TAIL_BYTES);
      log.seek(start);
      byte[] bytes = new byte[(int) (log.length() - start)];
      log.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      int from = Math.max(0, lines.length - TAIL_LINES);
      return String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
    } catch (IOException e) {
      return "(log " + file + " unreadable: " + e.getMessage() + ")";
    }
  }
}
