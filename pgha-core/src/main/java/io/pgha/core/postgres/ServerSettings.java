package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pgha sets in the server's configuration and the files it lives in ({@link ManagedFiles}):
 * the upstream a standby streams from, {@code synchronous_standby_names} and the dynamic
 * parameters. Each is remembered here and every write puts all of them in the files, under a lock
 * of its own (writes replace files through one temporary name each, and the last writer must see
 * every value set before it); nothing slow runs under that lock.
 */
final class ServerSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSettings.class);
  private final PostgresConfig config;
  private final ManagedFiles files;

  /** Patroni's name of its cache of the {@code config} key. */
  static final String DYNAMIC_CACHE = "patroni.dynamic.json";

  private final LocalSql sql;
  private final Object writeLock = new Object();
  private volatile Upstream upstream;
  private volatile StandbySource source;
  private volatile SynchronousStandbys synchronousStandbys = SynchronousStandbys.none();
  private volatile DynamicSettings dynamic = DynamicSettings.NONE;
  private volatile Map<String, String> archiveRecovery;

  ServerSettings(PostgresConfig config, ManagedFiles files, LocalSql sql) {
    this.config = config;
    this.files = files;
    this.sql = sql;
  }

  /** The leader last started from or pointed at; null for a primary. */
  Upstream upstream() {
    return upstream;
  }

  /** Streams from the member {@code leader} (null: from no one, or a primary). */
  void upstream(Upstream leader) {
    this.source = null;
    this.upstream = leader;
  }

  /** The standby leader of a standby cluster: streams (or restores) from {@code source}. */
  void source(StandbySource source) {
    this.source = source;
    this.upstream = source.upstream().orElse(null);
  }

  /** What the standby leader follows; null when the server follows a member or no one. */
  StandbySource source() {
    return source;
  }

  SynchronousStandbys synchronousStandbys() {
    return synchronousStandbys;
  }

  void synchronousStandbys(SynchronousStandbys standbys) {
    this.synchronousStandbys = standbys;
  }

  /**
   * @throws IllegalArgumentException naming a parameter pgha sets itself or a malformed name
   */
  void dynamicParameters(Map<String, String> parameters) {
    this.dynamic = dynamic.withParameters(parameters);
  }

  /** What the {@code config} key's {@code postgresql} section sets. */
  void dynamic(DynamicSettings settings) {
    this.dynamic = java.util.Objects.requireNonNull(settings, "settings");
  }

  /**
   * Starts a primary in archive recovery ({@code recovery.signal}) with these parameters, until it
   * promotes itself (a custom bootstrap's {@code recovery_conf}); null to start it as a primary at
   * once, as always otherwise.
   */
  void archiveRecovery(Map<String, String> parameters) {
    this.archiveRecovery =
        parameters == null ? null : PostgresConfig.checkedParameters(Map.copyOf(parameters));
  }

  /** A dynamic parameter's value, if the cluster configuration sets it. */
  Optional<String> effectiveParameter(String name) {
    return Optional.ofNullable(dynamic.parameters().get(name));
  }

  /**
   * Writes Patroni's cache of the cluster configuration, {@code patroni.dynamic.json}, in the data
   * directory (tools and scripts written for Patroni read or remove it); nothing without a cluster.
   */
  void cacheDynamicConfig(String json) {
    if (!Files.isDirectory(config.dataDir().resolve("global"))) {
      return;
    }
    try {
      files.writePrivate(config.dataDir().resolve(DYNAMIC_CACHE), json);
    } catch (IOException e) {
      LOG.warn("{}: cannot write {}: {}", config.name(), DYNAMIC_CACHE, e.toString());
    }
  }

  /** Whether {@code recovery.signal} or {@code standby.signal} is in the data directory. */
  boolean recoverySignal() {
    return files.hasRecoverySignal();
  }

  /** Whether the server starts (or runs) as a standby: {@code standby.signal} exists. */
  boolean standbySignal() {
    return files.hasStandbySignal();
  }

  /** Writes the parameter file and pg_hba.conf, and {@code standby.signal} as asked. */
  void writeForStart(boolean standby) {
    synchronized (writeLock) {
      write(standby);
      try {
        files.setStandbySignal(standby);
        if (!standby && archiveRecovery != null) {
          files.setRecoverySignal();
        }
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }
  }

  /** Rewrites the parameter file, pg_hba.conf and pg_ident.conf. */
  void write() {
    synchronized (writeLock) {
      write(files.hasStandbySignal());
    }
  }

  /** {@code standby}: the server runs, or is about to start, as a standby. */
  private void write(boolean standby) {
    synchronized (writeLock) {
      try {
        Map<String, String> recovery = archiveRecovery;
        DynamicSettings settings = dynamic;
        if (recovery != null && !recovery.isEmpty()) {
          Map<String, String> parameters = new java.util.LinkedHashMap<>(settings.parameters());
          parameters.putAll(recovery);
          settings = settings.withParameters(parameters);
        }
        files.writeConf(upstream, source, synchronousStandbys, settings, standby);
        files.writeHba(settings);
        files.writeIdent(settings);
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }
  }

  /** Rewrites the files and has the running server reload them ({@code pg_reload_conf}). */
  void reload() {
    write();
    try (Connection c = sql.connect(10);
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw sql.failure("reload", e);
    }
  }

  /**
   * Puts the settings into effect: reloads a running server, rewrites the files of a stopped one
   * (they take effect at its next start), does nothing without a cluster.
   */
  void apply(boolean running, boolean initialized) {
    if (running) {
      reload();
    } else if (initialized) {
      write();
    }
  }

  /**
   * Sets how long replication connections may stay silent and puts it into effect as {@link #apply}
   * does; does nothing when the bounds did not change. Never throws: when the files cannot be
   * written or the server not reloaded, the old bounds stay and the next call (the HA loop's next
   * cycle, which must not stop over it) tries again.
   */
  void replicationTimeouts(ReplicationTimeouts timeouts, boolean running, boolean initialized) {
    ReplicationTimeouts before = files.replicationTimeouts();
    if (timeouts.equals(before)) {
      return;
    }
    files.replicationTimeouts(timeouts);
    try {
      apply(running, initialized);
    } catch (PostgresControlException e) {
      files.replicationTimeouts(before);
      LOG.warn("{}: cannot apply the replication timeouts yet: {}", config.name(), e.getMessage());
      return;
    }
    LOG.info(
        "{}: replication connections give up after {} of silence",
        config.name(),
        timeouts.silence());
  }

  private PostgresControlException cannotWrite(IOException e) {
    return new PostgresControlException(
        Kind.WRONG_STATE,
        "cannot write the configuration files in " + config.dataDir() + ": " + e,
        e);
  }
}
