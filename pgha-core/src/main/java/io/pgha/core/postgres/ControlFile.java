package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the data directory says of itself ({@code pg_controldata}), read while it is stopped. */
final class ControlFile {
  private static final Logger LOG = LoggerFactory.getLogger(ControlFile.class);

  private final PostgresConfig config;
  private final PostgresTools tools;
  private final DataDirectory dataDir;

  ControlFile(PostgresConfig config, PostgresTools tools, DataDirectory dataDir) {
    this.config = config;
    this.tools = tools;
    this.dataDir = dataDir;
  }

  /**
   * @throws PostgresControlException DATA_DIR_MISSING when pg_controldata fails
   */
  ControlData read() {
    return ControlData.parse(output());
  }

  /**
   * Whether pg_rewind can work on this data directory: it has data checksums or was last run with
   * {@code wal_log_hints} on (Patroni's {@code configuration_allows_rewind}).
   *
   * @throws PostgresControlException DATA_DIR_MISSING when pg_controldata fails
   */
  boolean allowsRewind() {
    String checksums = "0";
    String hints = "off";
    for (String line : output().split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String label = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (label.equals("Data page checksum version")) {
          checksums = value;
        } else if (label.equals("wal_log_hints setting")) {
          hints = value;
        }
      }
    }
    return hints.equals("on") || !checksums.equals("0");
  }

  /**
   * The settings a standby or a server in archive recovery must have at least the values of, as the
   * primary the data came from had them ({@code max_connections}, ...): PostgreSQL refuses to
   * recover with lower ones.
   *
   * @throws PostgresControlException DATA_DIR_MISSING when pg_controldata fails
   */
  Map<String, Integer> recoveryMinimums() {
    Map<String, Integer> minimums = new java.util.LinkedHashMap<>();
    Map<String, String> labels =
        Map.of(
            "max_connections setting", "max_connections",
            "max_worker_processes setting", "max_worker_processes",
            "max_wal_senders setting", "max_wal_senders",
            "max_prepared_xacts setting", "max_prepared_transactions",
            "max_locks_per_xact setting", "max_locks_per_transaction");
    for (String line : output().split("\n")) {
      int colon = line.indexOf(':');
      String parameter = colon > 0 ? labels.get(line.substring(0, colon).strip()) : null;
      if (parameter != null && line.substring(colon + 1).strip().matches("[0-9]{1,9}")) {
        minimums.put(parameter, Integer.parseInt(line.substring(colon + 1).strip()));
      }
    }
    return minimums;
  }

  private String output() {
    CommandResult result =
        tools.run(
            List.of(tools.binary("pg_controldata").toString(), config.dataDir().toString()),
            Map.of("LC_ALL", "C"),
            Duration.ofSeconds(30));
    if (!result.succeeded()) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING,
          "pg_controldata on " + config.dataDir() + " failed: " + result.describe());
    }
    return result.output();
  }

  /** Whether it was last used read-write, its timeline and system identifier; empty if unknown. */
  Optional<StoredState> storedState() {
    if (!dataDir.isInitialized()) {
      return Optional.empty();
    }
    try {
      ControlData data = read();
      return Optional.of(
          new StoredState(
              !data.cleanStandbyShutdown() && !data.state().contains("recovery"),
              Math.max(data.timeline(), data.minRecoveryEndTimeline()),
              data.systemIdentifier()));
    } catch (PostgresControlException | IllegalArgumentException e) {
      LOG.warn("{}: cannot read the control data: {}", config.name(), e.getMessage());
      return Optional.empty();
    }
  }

  /** The shutdown checkpoint of a primary stopped cleanly; empty otherwise or while running. */
  Optional<Lsn> shutdownCheckpoint(boolean running) {
    if (running || !dataDir.isInitialized()) {
      return Optional.empty();
    }
    try {
      ControlData data = read();
      return data.cleanPrimaryShutdown() ? Optional.of(data.checkpoint()) : Optional.empty();
    } catch (PostgresControlException | IllegalArgumentException e) {
      LOG.warn("{}: cannot read the control data: {}", config.name(), e.getMessage());
      return Optional.empty();
    }
  }
}
