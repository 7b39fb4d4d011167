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
    return ControlData.parse(result.output());
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
              data.timeline(),
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
